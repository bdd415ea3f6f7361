export * from './job-options.interface.js';
export * from './job-context.interface.js';
export * from './job-event.interface.js';
export * from './json.interface.js';
export * from './runtime-schedule-options.interface.js';
