/** Every user-facing configuration message, so wording stays consistent. */
export const messages = {
  transactionUnsupported: (handler: string, driverKind: string) =>
    `Enqueue of job "${handler}": the transaction option needs a driver that enqueues inside transactions (PostgresDriver) or an outbox (JobsModule.forRoot({ driver, outbox: new PostgresOutbox({ pool }) })); the ${driverKind} driver cannot honour it.`,
  mixedTransactions: (handler: string) =>
    `Enqueue of job "${handler}": all items of one enqueueMany must share one transaction option (or none).`,
  missingDriver: () =>
    'JobsModule.forRoot: `driver` is required, e.g. `new MemoryDriver()` or `new RedisDriver({ url })`.',
  badMode: (source: string, got: unknown) =>
    `${source} must be one of "all", "worker", "producer" (got ${JSON.stringify(got)}).`,
  badModuleOption: (option: string, expected: string, got: unknown) =>
    `JobsModule.forRoot: ${option} must be ${expected} (got ${show(got)}).`,
  badOption: (subject: string, option: string, expected: string, got: unknown) =>
    `${subject}: ${option} must be ${expected} (got ${show(got)}).`,
  notAMethod: (handler: string, decorator: string) =>
    `${decorator} on "${handler}": it decorates a property, not a method. Put it on a method of the class.`,
  manyDecorators: (handler: string) =>
    `"${handler}" has more than one of @Job, @Cron and @Every; give each schedule or job its own method.`,
  duplicateName: (kind: string, name: string, first: string, second: string) =>
    `Duplicate ${kind} name "${name}": declared by "${first}" and "${second}". Set a distinct \`name\` option on one of them.`,
  invalidCron: (handler: string, expression: string, reason: string) =>
    `Schedule "${handler}": invalid cron expression "${expression}" (${reason}). Use 5 fields, or 6 with seconds first.`,
  unknownTimezone: (handler: string, timezone: string) =>
    `Schedule "${handler}": unknown timezone "${timezone}". Use an IANA zone such as "Europe/Berlin" or "UTC".`,
  badInterval: (handler: string, got: unknown) =>
    `Schedule "${handler}": @Every interval must be a whole number of ms ≥ 1000 or a duration like "30s", "5m", "1h" (got ${show(got)}).`,
  badQueueName: (subject: string, queue: unknown) =>
    `${subject}: queue name must be 1–100 characters without "{", "}", whitespace or control characters (got ${show(queue)}).`,
  badQueueList: (source: string, queue: unknown) =>
    `${source} must be queue names of 1–100 characters without "{", "}", whitespace or control characters (got ${show(queue)}).`,
  unknownJob: (className: string, key: string) =>
    `Producer<${className}>: "${key}" is not a @Job method of ${className}. Decorate ${className}.${key} with @Job(), and make sure ${className} is a provider of a module of this application.`,
  producerWithoutProvider: (host: string, className: string) =>
    `${host} injects Producer<${className}> (@InjectProducer(${className})), but ${className} is not a provider of this application, or has no @Job method: every enqueue would fail. Add ${className} to the \`providers\` of a module (e.g. the feature module that injects it).`,
  scheduleNotJob: (handler: string) =>
    `"${handler}" is a schedule (@Cron/@Every), not a @Job: run it now with JobsAdmin.trigger("${handler}").`,
  unknownSchedule: (name: string) => `No schedule named "${name}" in this application.`,
  testingNeedsMemoryDriver: (kind: unknown) =>
    `JobsModule.forRoot: testing mode runs on a MemoryDriver only (got the ${show(kind)} driver). Use \`driver: new MemoryDriver()\` with \`testing: true\` in tests, or drop \`testing\`.`,
  testingOwnsClock: () =>
    'JobsModule.forRoot: testing mode owns the clock, but this MemoryDriver was given its own `now` option. Drop `now`, and start the virtual clock with `testing: { startAt }` instead.',
  tracingNeedsApi: (reason: string) =>
    `JobsModule.forRoot: tracing needs the package @opentelemetry/api (npm install @opentelemetry/api), which did not load: ${reason}`,
  testerOff: (method: string) =>
    `JobsTester.${method}() needs testing mode: JobsModule.forRoot({ driver: new MemoryDriver(), testing: true }).`,
} as const;

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}
