import { InvalidBodyError } from '../common/body.pipe.js';

/** Payload of `PaymentJobs.capture`. */
export interface CapturePayment {
  orderId: string;
  /** Minor units (cents), so no floating-point money. */
  amountCents: number;
  /** ISO 4217, e.g. "EUR". */
  currency: string;
}

export function parseCapturePayment(body: Record<string, unknown>): CapturePayment {
  const { orderId, amountCents, currency } = body;
  if (typeof orderId !== 'string' || !/^[\w-]{1,64}$/.test(orderId)) {
    throw new InvalidBodyError(`orderId must be 1–64 letters, digits, "_" or "-" (got ${JSON.stringify(orderId)}).`);
  }
  if (typeof amountCents !== 'number' || !Number.isInteger(amountCents) || amountCents < 1) {
    throw new InvalidBodyError(`amountCents must be a positive integer, in cents (got ${JSON.stringify(amountCents)}).`);
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw new InvalidBodyError(`currency must be an ISO 4217 code such as "EUR" (got ${JSON.stringify(currency)}).`);
  }
  return { orderId, amountCents, currency };
}
