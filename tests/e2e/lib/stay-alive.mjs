// Preloaded into a server (NODE_OPTIONS=--import=<this file>) to make it "stubborn": it keeps
// running after the broker is gone, as many real servers do that never watch stdin. Unmodified,
// server-everything dies by itself once the broker's pipes close (it writes to the closed stdout
// and the EPIPE is fatal), so a test that a SIGKILLed broker leaves no server behind would pass
// even if nothing killed the server. Here: a timer keeps the event loop alive, and errors on the
// standard streams (EPIPE) are swallowed.
setInterval(() => {}, 1 << 30);
for (const stream of [process.stdin, process.stdout, process.stderr]) stream.on('error', () => {});
