// Preloaded into a proxy under test (`node --import listen-probe.mjs proxy.js ...`): writes
// "listening PORT" to fd 3 when a server starts listening, so the benchmark knows the proxy is
// ready without polling its port or depending on its log level. Changes nothing else.
import fs from 'node:fs';
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function probedListen(...args) {
  this.once('listening', () => {
    const address = this.address();
    const port = typeof address === 'object' && address ? address.port : address;
    try {
      fs.writeSync(3, `listening ${port}\n`);
    } catch {
      // not started by the benchmark (no fd 3): stay silent
    }
  });
  return listen.apply(this, args);
};
