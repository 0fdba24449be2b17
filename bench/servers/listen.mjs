// How every bench stand-in server starts and stops: on a free loopback port, its URL on stdout
// (what lib.mjs startProcess waits for), keep-alive longer than any load run, SIGTERM closes it.

/** Listens with `server` as the bench processes expect; `server` is a node:http Server. */
export function listenOnLoopback(server) {
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () =>
    process.stdout.write(`http://127.0.0.1:${server.address().port}\n`),
  );
  process.on("SIGTERM", () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
