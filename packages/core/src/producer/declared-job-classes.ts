import type { Type } from '@nestjs/common';

/**
 * Classes named by `@Job`/`@Cron`/`@Every` or `@InjectProducer`, collected as
 * their decorators run (like Reflect metadata, it describes code, not app
 * state), so that `JobsModule.forRoot` can provide a `Producer<T>` for each
 * without a per-feature registration call. Classes loaded after forRoot ran
 * (lazy modules) are registered with `JobsModule.forFeature([T])`.
 */
const declaredClasses = new Set<Type>();

export function declareJobClass(classRef: Type): void {
  declaredClasses.add(classRef);
}

export function declaredJobClasses(): Type[] {
  return [...declaredClasses];
}
