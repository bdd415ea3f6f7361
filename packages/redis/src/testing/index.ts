export { startRedisServer, assertRedisServerInstalled, type RedisServerHandle, type RedisServerOptions } from './redis-server.js';
export { startRedisCluster, type RedisClusterHandle } from './redis-cluster.js';
export { freePort } from './free-port.js';
export { generateTlsCertificates, type TlsCertificates } from './tls-certs.js';
