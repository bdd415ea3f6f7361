import { InvalidBodyError } from '../common/body.pipe.js';

/** Payload of `EmailJobs.sendEmail`. */
export interface SendEmail {
  to: string;
  subject: string;
  body: string;
}

export interface SignupRequest {
  email: string;
}

/** Deliberately simple: one "@", a dot in the domain, no spaces. Real delivery is the proof. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseSignup(body: Record<string, unknown>): SignupRequest {
  const { email } = body;
  if (email === undefined) throw new InvalidBodyError('email is required, e.g. { "email": "ada@example.com" }.');
  if (typeof email !== 'string' || email.length > 254 || !EMAIL_PATTERN.test(email.trim())) {
    throw new InvalidBodyError(`email must be a valid email address such as "ada@example.com" (got ${JSON.stringify(email)}).`);
  }
  return { email: email.trim().toLowerCase() };
}
