import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AddressClass } from '../../config/app-config';
import { PermanentDeliveryError } from './alert-channel';
import { assertAllowedHost, dnsResolver, webhookUrlIssue, type HostResolver } from './target-address.policy';

export interface WebhookPolicy {
  readonly allowInsecure: boolean;
  readonly allowedAddresses: readonly AddressClass[];
  readonly timeoutMs: number;
  readonly resolve?: HostResolver;
}

export interface WebhookResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * POSTs JSON to a webhook. The address check runs inside the socket's own DNS lookup, so the
 * address connected to is the address checked (no window for DNS rebinding between the two).
 * Redirects are not followed. 2xx resolves; 429 and 5xx throw a retryable Error; other 4xx throw
 * PermanentDeliveryError (the URL or payload is wrong: retrying cannot help).
 */
export async function postJson(rawUrl: string, payload: unknown, policy: WebhookPolicy): Promise<WebhookResponse> {
  const issue = webhookUrlIssue(rawUrl, policy.allowInsecure);
  if (issue) throw new PermanentDeliveryError(`webhook URL ${issue}`);
  const url = new URL(rawUrl);
  const resolve = policy.resolve ?? dnsResolver;
  const lookup: LookupFunction = (hostname, options, callback) => {
    assertAllowedHost(hostname, policy.allowedAddresses, resolve).then(
      (addresses) => {
        const entries = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
        // Node 20 asks for every address (happy eyeballs); each one passed the check.
        if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, entries);
        else callback(null, entries[0].address, entries[0].family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 4),
    );
  };
  // An IP literal never goes through lookup: check it here.
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  await assertAllowedHost(hostname, policy.allowedAddresses, resolve);
  const body = JSON.stringify(payload);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<WebhookResponse>((resolvePromise, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        lookup,
        timeout: policy.timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'QuantDesk-Alerts/1' },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 500) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${policy.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
  if (response.status >= 200 && response.status < 300) return response;
  const what = `webhook answered ${response.status}${response.body ? `: ${response.body}` : ''}`;
  if (response.status === 429 || response.status >= 500) throw new Error(what);
  throw new PermanentDeliveryError(what);
}
