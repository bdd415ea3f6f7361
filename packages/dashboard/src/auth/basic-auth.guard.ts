import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { DashboardBasicAuth, DashboardRequest } from '../dashboard-options.interface.js';
import { headerValue, type DashboardResponse } from '../http/http-response.js';

/** HTTP basic auth against one username and password; 401 with a challenge otherwise. */
export class BasicAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(private readonly credentials: DashboardBasicAuth) {
    this.expected = digest(`${credentials.username}:${credentials.password}`);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<DashboardRequest>();
    const header = headerValue(request, 'authorization') ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    if (match && timingSafeEqual(digest(Buffer.from(match[1]!, 'base64').toString('utf8')), this.expected)) return true;
    const realm = (this.credentials.realm ?? 'nest-jobs dashboard').replace(/["\\]/g, '');
    context.switchToHttp().getResponse<DashboardResponse>().header('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    throw new UnauthorizedException('Authentication required');
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
