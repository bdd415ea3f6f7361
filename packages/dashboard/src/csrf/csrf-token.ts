import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { DashboardRequest } from '../dashboard-options.interface.js';
import { headerValue, type DashboardResponse } from '../http/http-response.js';

export const CSRF_COOKIE = 'nestjobs_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Double-submit token: a random value in an HttpOnly, SameSite=Strict cookie
 * scoped to the dashboard path, repeated by the page in a header or form
 * field. Another site can neither read the cookie nor guess the value.
 */
export function ensureCsrfToken(request: DashboardRequest, response: DashboardResponse, cookiePath: string): string {
  const existing = readCookie(request, CSRF_COOKIE);
  if (existing && TOKEN.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  response.header('Set-Cookie', `${CSRF_COOKIE}=${token}; Path=${cookiePath || '/'}; HttpOnly; SameSite=Strict`);
  return token;
}

export function hasValidCsrfToken(request: DashboardRequest): boolean {
  const cookie = readCookie(request, CSRF_COOKIE);
  const sent = headerValue(request, CSRF_HEADER) ?? bodyField(request.body, CSRF_FIELD);
  if (!cookie || !sent || !TOKEN.test(cookie) || !TOKEN.test(sent)) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(sent));
}

export function readCookie(request: DashboardRequest, name: string): string | undefined {
  const header = headerValue(request, 'cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

function bodyField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
