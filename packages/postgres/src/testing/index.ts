export { startPostgresServer, type PostgresServerHandle, type PostgresServerOptions } from './postgres-server.js';
export { postgresBinDir } from './postgres-binaries.js';
export { freePort } from './free-port.js';
