export { RedisDriver, type RedisDriverOptions } from './redis.driver.js';
export { RedisOutOfMemoryError, RedisUnavailableError } from './redis-unavailable.error.js';
export { RedisKeyTypeError } from './redis-key-type.error.js';
export type { RedisConnectionOptions } from './connection.js';
export type { DriverLogger } from './server-check.js';
export { KeySchema } from './keys.js';
export { REDIS_ACL_COMMANDS, redisAclRules } from './acl.js';
