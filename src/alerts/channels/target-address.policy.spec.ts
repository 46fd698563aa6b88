import { PermanentDeliveryError } from './alert-channel';
import { addressClass, assertAllowedHost, webhookUrlIssue } from './target-address.policy';

describe('alert target address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['0.0.0.0', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
  ])('%s is %s', (ip, cls) => expect(addressClass(ip)).toBe(cls));

  it.each(['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111'])('%s is public', (ip) => expect(addressClass(ip)).toBeNull());

  it('checks every address a name resolves to: one private address refuses the name', async () => {
    const resolve = async (): Promise<readonly string[]> => ['93.184.216.34', '10.0.0.5'];
    await expect(assertAllowedHost('hooks.example.com', [], resolve)).rejects.toThrow(PermanentDeliveryError);
    await expect(assertAllowedHost('hooks.example.com', [], resolve)).rejects.toThrow(/resolves to 10\.0\.0\.5, a private address \(allow it with ALERTS_ALLOW_ADDRESSES=private\)/);
    await expect(assertAllowedHost('hooks.example.com', ['private'], resolve)).resolves.toEqual(['93.184.216.34', '10.0.0.5']);
  });

  it('refuses IP literals by class unless allowed, without resolving', async () => {
    const resolve = async (): Promise<readonly string[]> => {
      throw new Error('must not resolve an IP');
    };
    await expect(assertAllowedHost('127.0.0.1', [], resolve)).rejects.toThrow(/loopback/);
    await expect(assertAllowedHost('[::1]', ['loopback'], resolve)).resolves.toEqual(['::1']);
    await expect(assertAllowedHost('169.254.169.254', ['loopback', 'private'], resolve)).rejects.toThrow(/link-local/);
  });

  it('a name that does not resolve is a retryable error, not a refusal', async () => {
    const resolve = async (): Promise<readonly string[]> => {
      throw new Error('ENOTFOUND');
    };
    const err = await assertAllowedHost('nowhere.invalid', [], resolve).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentDeliveryError);
  });

  it('webhook URLs: https only unless insecure is allowed; no credentials', () => {
    expect(webhookUrlIssue('https://hooks.slack.com/services/T/B/X', false)).toBeNull();
    expect(webhookUrlIssue('http://hooks.slack.com/services/T/B/X', false)).toMatch(/https URL/);
    expect(webhookUrlIssue('http://127.0.0.1:9000/hook', true)).toBeNull();
    expect(webhookUrlIssue('ftp://x/y', true)).toMatch(/http\(s\)/);
    expect(webhookUrlIssue('https://u:p@example.com/x', false)).toMatch(/credentials/);
    expect(webhookUrlIssue('not a url', false)).toBe('must be a URL');
  });
});
