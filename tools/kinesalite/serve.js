#!/usr/bin/env node
// Starts kinesalite bound to one address (loopback unless --host says otherwise): its own cli.js listens on all
// interfaces. Takes cli.js's options (--port, --path, --createStreamMs, --deleteStreamMs, --updateStreamMs,
// --shardLimit) plus --host and --exitWithStdin; --port 0 picks a free port. Prints "Listening at http://HOST:PORT" once it accepts connections.
'use strict'

const options = {}
const args = process.argv.slice(2)
for (let i = 0; i < args.length; i++) {
  const match = /^--([^=]+)(?:=(.*))?$/.exec(args[i])
  if (!match) throw new Error('Unexpected argument: ' + args[i])
  let value = match[2]
  if (value === undefined) value = (i + 1 < args.length && !args[i + 1].startsWith('--')) ? args[++i] : 'true'
  options[match[1]] = /^\d+$/.test(value) ? Number(value) : value
}

const host = options.host || '127.0.0.1'
const port = options.port === undefined ? 4567 : options.port
const exitWithStdin = options.exitWithStdin === 'true'
delete options.host
delete options.port
delete options.exitWithStdin

const server = require('kinesalite')(options).listen(port, host, () => {
  const address = server.address()
  console.log('Listening at http://%s:%s', address.address, address.port)
})

// --exitWithStdin: exit when stdin closes, so a test process that dies without cleaning up takes us with it.
if (exitWithStdin) {
  process.stdin.on('end', () => process.exit(0))
  process.stdin.resume()
}
if (process.pid === 1) process.on('SIGINT', () => process.exit(0))
