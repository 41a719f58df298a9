// Command tensorboard stands in for TensorBoard in the tensorflow/tensorflow image: it
// takes the flags the examples pass (--logdir, --host, --port), checks that the log
// directory exists, and serves a page titled TensorBoard on host:port. It reads no event
// files and draws nothing.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
)

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>TensorBoard</title></head>
<body><tf-tensorboard>TensorBoard stand-in: logs in %s</tf-tensorboard></body></html>
`

func main() {
	logdir := flag.String("logdir", "", "directory of the event files")
	host := flag.String("host", "localhost", "address to listen on")
	port := flag.String("port", "6006", "port to listen on")
	flag.Parse()
	if info, err := os.Stat(*logdir); err != nil || !info.IsDir() {
		log.Fatalf("--logdir %q is not a directory", *logdir)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, page, *logdir)
	})
	address := net.JoinHostPort(*host, *port)
	log.Printf("TensorBoard stand-in at http://%s/", address)
	log.Fatal(http.ListenAndServe(address, nil))
}
