/**
 * Nominal ("branded") string ids, so a broker order id can never be passed where a client
 * order id is expected. They cost nothing at run time: the brand exists only for the compiler.
 */
export type Brand<T, B extends string> = T & { readonly __brand: B };

/** Chosen by the client; unique per account; what makes submission idempotent. */
export type ClientOrderId = Brand<string, 'ClientOrderId'>;
/** Our order row's id (uuid). */
export type OrderId = Brand<string, 'OrderId'>;
/** The broker's id for an order. */
export type BrokerOrderId = Brand<string, 'BrokerOrderId'>;
/** The broker's id for one execution; unique per broker, so a fill is applied once. */
export type FillId = Brand<string, 'FillId'>;
/** An account (uuid), as in `accounts.id`. */
export type AccountId = Brand<string, 'AccountId'>;

export const clientOrderId = (value: string): ClientOrderId => value as ClientOrderId;
export const orderId = (value: string): OrderId => value as OrderId;
export const brokerOrderId = (value: string): BrokerOrderId => value as BrokerOrderId;
export const fillId = (value: string): FillId => value as FillId;
export const accountId = (value: string): AccountId => value as AccountId;
