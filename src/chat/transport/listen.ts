// Binding a server to its port, with the user's mistakes (port in use, no permission, unknown
// host) turned into one clear line and exit code 2 instead of a stack trace.
import type { Server } from 'node:http';
import { UserError } from '../../shared/errors.js';

export function listen(server: Server, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (err.code === 'EADDRINUSE') {
        reject(new UserError(`the ${what} port ${port} is already in use (${where})`, 'PORT_IN_USE', 2));
      } else if (err.code === 'EACCES') {
        reject(new UserError(`no permission to listen on ${where} for the ${what}`, 'PORT_FORBIDDEN', 2));
      } else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
        reject(new UserError(`cannot listen on host '${host}' (${err.code})`, 'BAD_HOST', 2));
      } else {
        reject(err);
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
