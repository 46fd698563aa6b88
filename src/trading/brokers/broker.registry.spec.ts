import { loadConfig } from '../../config/app-config';
import { ServiceUnavailableError } from '../../common/errors/domain-error';
import { accountId } from '../../common/typed-ids';
import { SpecBroker } from '../../../test/support/spec-broker';
import { BrokerRegistry } from './broker.registry';

describe('BrokerRegistry', () => {
  it('gives each account one started instance of the configured broker, telling listeners first, and closes them at shutdown', async () => {
    const registry = new BrokerRegistry(loadConfig({ QUANTDESK_BROKER: 'spec' }));
    const made: SpecBroker[] = [];
    registry.register('spec', () => {
      const b = new SpecBroker();
      made.push(b);
      return b;
    });
    const heard: string[] = [];
    registry.onBrokerCreated((acct, b) => {
      expect((b as SpecBroker).calls.start).toBe(0); // subscribed before start and before any order
      heard.push(acct);
    });
    const a1 = await registry.forAccount(accountId('a'));
    const [a2, b1] = await Promise.all([registry.forAccount(accountId('a')), registry.forAccount(accountId('b'))]);
    expect(a1).toBe(a2);
    expect(b1).not.toBe(a1);
    expect(made.map((b) => b.calls.start)).toEqual([1, 1]);
    expect(heard).toEqual(['a', 'b']);
    const closed = jest.spyOn(made[0], 'close');
    await registry.onApplicationShutdown();
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('takes an async factory (one that loads state first) and still starts what it gives', async () => {
    const registry = new BrokerRegistry(loadConfig({ QUANTDESK_BROKER: 'spec' }));
    const b = new SpecBroker();
    registry.register('spec', async () => b);
    expect(await registry.forAccount(accountId('a'))).toBe(b);
    expect(b.calls.start).toBe(1);
  });

  it('an unregistered broker name is a 503 naming it; a name is registered once', async () => {
    const registry = new BrokerRegistry(loadConfig({ QUANTDESK_BROKER: 'alpaca' }));
    registry.register('spec', () => new SpecBroker());
    await expect(registry.forAccount(accountId('a'))).rejects.toThrow(ServiceUnavailableError);
    await expect(registry.forAccount(accountId('a'))).rejects.toThrow(/"alpaca".*registered: spec/);
    expect(() => registry.register('spec', () => new SpecBroker())).toThrow(/already registered/);
  });
});
