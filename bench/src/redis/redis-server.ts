// Until @nest-jobs/redis/testing ships startRedisServer, the bench starts its own.
export { startLocalRedisServer as startRedisServer, type RedisServerHandle } from './local-redis-server.js';
