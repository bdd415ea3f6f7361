/** The part of Express's `Response` and Fastify's `FastifyReply` the dashboard uses. */
export interface DashboardResponse {
  header(name: string, value: string): unknown;
  status(code: number): unknown;
}

export function headerValue(request: { headers: Record<string, string | string[] | undefined> }, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export function setSecurityHeaders(response: DashboardResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.header(name, value);
}
