import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PermanentDeliveryError } from './alert-channel';
import { postJson } from './webhook.client';

describe('postJson (webhook client)', () => {
  let server: Server;
  let port: number;
  const bodies: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(req.url === '/down' ? 503 : req.url === '/redirect' ? 302 : 200, req.url === '/redirect' ? { location: 'http://127.0.0.1/elsewhere' } : {});
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const policy = { allowInsecure: true, allowedAddresses: ['loopback' as const], timeoutMs: 2000 };

  it('resolves a host name inside the connection and checks each address it connects to', async () => {
    // `resolve` answers for the name; the socket connects to what it returned, nothing else.
    const resolve = async (): Promise<readonly string[]> => ['127.0.0.1'];
    await expect(postJson(`http://hooks.internal.test:${port}/ok`, { text: 'hi' }, { ...policy, resolve })).resolves.toEqual({ status: 200, body: 'ok' });
    expect(bodies.at(-1)).toBe('{"text":"hi"}');
    const before = bodies.length;
    await expect(postJson(`http://hooks.internal.test:${port}/ok`, { text: 'no' }, { ...policy, allowedAddresses: [], resolve })).rejects.toThrow(PermanentDeliveryError);
    expect(bodies.length).toBe(before);
  });

  it('5xx is retryable, other non-2xx (a redirect included: not followed) is permanent', async () => {
    const down = await postJson(`http://127.0.0.1:${port}/down`, {}, policy).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(Error);
    expect(down).not.toBeInstanceOf(PermanentDeliveryError);
    await expect(postJson(`http://127.0.0.1:${port}/redirect`, {}, policy)).rejects.toThrow(PermanentDeliveryError);
  });

  it('refuses http unless insecure webhooks are allowed', async () => {
    await expect(postJson(`http://127.0.0.1:${port}/ok`, {}, { ...policy, allowInsecure: false })).rejects.toThrow(/https URL/);
  });
});
