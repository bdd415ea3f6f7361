export * from './job-record.js';
export * from './driver-event.js';
export * from './queue-driver.interface.js';
export * from './memory/memory.driver.js';
