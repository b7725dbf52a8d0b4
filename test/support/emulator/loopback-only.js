// Preload (`node --require`) for runs against the emulator: any DNS lookup or TCP connection to a host
// other than 127.0.0.1 / localhost / ::1 fails at once, so nothing of a rehearsal reaches the network.
'use strict';
const dns = require('node:dns');
const net = require('node:net');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '']);
const refuse = (host) => Object.assign(new Error(`loopback-only: refused to reach ${host}`), { code: 'ECONNREFUSED' });

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (!LOOPBACK.has(String(hostname))) return process.nextTick(() => cb(refuse(hostname)));
  return lookup.apply(this, arguments);
};
const promises = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisesLookup(hostname, ...rest) {
  if (!LOOPBACK.has(String(hostname))) throw refuse(hostname);
  return promises.call(this, hostname, ...rest);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { host: args[1], port: args[0] };
  const host = options.path ? '' : String(options.host ?? 'localhost');
  if (!LOOPBACK.has(host)) {
    process.nextTick(() => this.destroy(refuse(host)));
    return this;
  }
  return connect.apply(this, args);
};
