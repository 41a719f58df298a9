package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// command is one program the runner times: path with args, reading the file stdin.
type command struct {
	name  string
	path  string
	args  []string
	stdin string
	// prepare runs before each run, untimed: kpt renders its package in place.
	prepare func() error
	// check judges a finished run by its output, so a failing program cannot look fast.
	check func(out *capture) error
}

// sample is one run: its wall time and its peak resident set.
type sample struct {
	wall  time.Duration
	rssKB int64
}

// resourceListHeader is how every function's output starts, the baseline's included.
const resourceListHeader = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"

// isResourceList is the check of a function's run.
func isResourceList(out *capture) error {
	if !bytes.HasPrefix(out.stdout.head, []byte(resourceListHeader)) {
		return fmt.Errorf("the output (%d bytes) does not start with a ResourceList header", out.stdout.n)
	}
	return nil
}

// alternate runs the commands one after the other, rounds times, so that a slower or
// faster phase of the machine falls on all of them alike, and returns each one's median.
func alternate(rounds int, cmds ...command) ([]sample, error) {
	runs := make([][]sample, len(cmds))
	for range rounds {
		for i, c := range cmds {
			s, err := c.run()
			if err != nil {
				return nil, err
			}
			runs[i] = append(runs[i], s)
		}
	}
	medians := make([]sample, len(cmds))
	for i, r := range runs {
		medians[i] = median(r)
	}
	return medians, nil
}

func (c command) run() (sample, error) {
	if c.prepare != nil {
		if err := c.prepare(); err != nil {
			return sample{}, fmt.Errorf("%s: %w", c.name, err)
		}
	}
	in, err := os.Open(c.stdin)
	if err != nil {
		return sample{}, err
	}
	defer in.Close()
	out := &capture{}
	cmd := exec.Command(c.path, c.args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, &out.stdout, &out.stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err == nil {
		err = c.check(out)
	}
	if err != nil {
		return sample{}, fmt.Errorf("%s < %s: %w\n%s", c.name, c.stdin, err, out.stderr.String())
	}
	return sample{wall: wall, rssKB: cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss}, nil
}

// ownPeakRSSKB is the runner's own peak RSS (VmHWM), a floor under every child's Maxrss:
// os/exec starts a child in the runner's memory (vfork), and Linux carries that memory's
// peak over into the child's when it executes the program.
func ownPeakRSSKB() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if value, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// median takes wall time and peak RSS each at its own median.
func median(samples []sample) sample {
	walls := make([]time.Duration, len(samples))
	rss := make([]int64, len(samples))
	for i, s := range samples {
		walls[i], rss[i] = s.wall, s.rssKB
	}
	slices.Sort(walls)
	slices.Sort(rss)
	return sample{wall: walls[len(walls)/2], rssKB: rss[len(rss)/2]}
}

// capture reads a run's output to the end, keeping only its beginning.
type capture struct{ stdout, stderr head }

// kept is how much of the beginning and of the end of an output is kept.
const kept = 4096

// head counts what is written and keeps its beginning and its end.
type head struct {
	head, tail []byte
	n          int64
}

func (h *head) Write(p []byte) (int, error) {
	if keep := kept - len(h.head); keep > 0 {
		h.head = append(h.head, p[:min(keep, len(p))]...)
	}
	h.tail = append(h.tail, p[max(0, len(p)-kept):]...)
	h.tail = h.tail[max(0, len(h.tail)-kept):]
	h.n += int64(len(p))
	return len(p), nil
}

// String is the output, or its beginning and its end when it is longer than both.
func (h *head) String() string {
	if h.n <= kept {
		return string(h.head)
	}
	return string(h.head) + "\n[...]\n" + string(h.tail)
}
