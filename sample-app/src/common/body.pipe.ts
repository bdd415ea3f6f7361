import { BadRequestException, type PipeTransform } from '@nestjs/common';

/** Thrown by a body parser; becomes a 400 with this message. */
export class InvalidBodyError extends Error {}

/**
 * Validates a request body with a plain parser function (no class-validator):
 * `@Body(new BodyPipe(parseSignup)) body: SignupRequest`.
 */
export class BodyPipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly parse: (body: Record<string, unknown>) => T) {}

  transform(body: unknown): T {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestException('Send a JSON object body (Content-Type: application/json).');
    }
    try {
      return this.parse(body as Record<string, unknown>);
    } catch (error) {
      if (error instanceof InvalidBodyError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
