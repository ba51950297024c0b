// Preloaded into a server (NODE_OPTIONS=--import=<this file>) to make it "stubborn": it keeps
// running after its stdin reaches EOF, as many real servers do that never watch stdin. Without
// this, server-everything exits by itself when the broker dies, and a test that a SIGKILLed
// broker leaves no server behind would pass even if nothing killed the server.
setInterval(() => {}, 1 << 30);
