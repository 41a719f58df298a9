package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/unbake/unbake/tests/bench/configs"
	"github.com/unbake/unbake/tests/bench/gen"
)

// The goals of issue #10.
const (
	minFaster       = 4.0  // each function vs the no-op, on the largest list
	maxRSSRatio     = 0.25 // each function's peak RSS over the no-op's
	linearSlack     = 1.1  // time may grow 10% more than the list
	maxPipelineCost = 1.5  // unbake run with every step over one function
	minFasterKpt    = 5.0  // kpt fn render with exec steps over unbake run
	maxStartup      = 10 * time.Millisecond
)

type bench struct {
	bin, noop, kpt, work  string
	rounds, startupRounds int
	sizes                 []int
	kptItems              int

	// wall holds each function's median on each list size, for the linearity.
	wall  map[string]map[int]time.Duration
	goals []goal
	met   int
}

type goal struct {
	name string
	ok   bool
}

// mark records a goal and returns how the tables show it.
func (b *bench) mark(name string, ok bool) string {
	b.goals = append(b.goals, goal{name, ok})
	if ok {
		b.met++
		return "ok"
	}
	return "FAIL"
}

func (b *bench) run() error {
	fmt.Printf("median of %d alternating runs; wall in ms, peak RSS in MB\n", b.rounds)
	// The start-up comes first, while the runner's own memory, under every child's RSS, is
	// at its smallest.
	for _, step := range []func() error{b.warmUp, b.startup, b.functions, b.linearity, b.pipeline, b.kptRender} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// functions is the main table: each function against the no-op, on each list size.
func (b *bench) functions() error {
	largest := b.sizes[len(b.sizes)-1]
	fmt.Printf("\neach function against the no-op; goals on %d items: at least %.0fx faster, at most %.2f of its RSS\n",
		largest, minFaster, maxRSSRatio)
	fmt.Printf("%6s  %-22s %9s %7s %10s %8s %9s %9s  %s\n", "items", "function", "wall", "RSS",
		"noop wall", "noop RSS", "faster", "RSS/noop", "goals")
	b.wall = map[string]map[int]time.Duration{}
	for _, n := range b.sizes {
		for _, fn := range configs.Functions {
			list, err := b.list(fmt.Sprintf("%s-%d", fn, n), n, configs.For(fn))
			if err != nil {
				return err
			}
			m, err := alternate(b.rounds, b.noopCommand(list), b.function(fn, list))
			if err != nil {
				return err
			}
			base, f := m[0], m[1]
			if b.wall[fn] == nil {
				b.wall[fn] = map[int]time.Duration{}
			}
			b.wall[fn][n] = f.wall
			faster := base.wall.Seconds() / f.wall.Seconds()
			rss := float64(f.rssKB) / float64(base.rssKB)
			goals := ""
			if n == largest {
				goals = fmt.Sprintf("speed %s, RSS %s",
					b.mark(fmt.Sprintf("%s on %d items: %.1fx faster than the no-op, at least %.0f", fn, n, faster, minFaster), faster >= minFaster),
					b.mark(fmt.Sprintf("%s on %d items: %.2f of the no-op's peak RSS, at most %.2f", fn, n, rss, maxRSSRatio), rss <= maxRSSRatio))
			}
			line := fmt.Sprintf("%6d  %-22s %9s %7s %10s %8s %8.1fx %9.2f  %s", n, fn, ms(f.wall), mb(f.rssKB),
				ms(base.wall), mb(base.rssKB), faster, rss, goals)
			fmt.Println(strings.TrimRight(line, " "))
		}
	}
	return nil
}

// linearity compares the two largest lists: time may grow with the list, not faster.
func (b *bench) linearity() error {
	if len(b.sizes) < 2 {
		return nil
	}
	small, large := b.sizes[len(b.sizes)-2], b.sizes[len(b.sizes)-1]
	limit := linearSlack * float64(large) / float64(small)
	fmt.Printf("\nlinearity: wall on %d items over wall on %d, at most %.1f\n", large, small, limit)
	for _, fn := range configs.Functions {
		ratio := b.wall[fn][large].Seconds() / b.wall[fn][small].Seconds()
		fmt.Printf("  %-22s %6.2f  %s\n", fn, ratio,
			b.mark(fmt.Sprintf("%s: %d→%d items grows %.2fx, at most %.1f", fn, small, large, ratio, limit), ratio <= limit))
	}
	return nil
}

// pipeline runs the six steps in one unbake process, as kpt and kustomize run a Pipeline
// (unbake without arguments, the Pipeline as functionConfig), against one function.
func (b *bench) pipeline() error {
	n := b.sizes[len(b.sizes)-1]
	list, err := b.list(fmt.Sprintf("pipeline-%d", n), n, configs.Pipeline())
	if err != nil {
		return err
	}
	one := "inject-sidecar"
	oneList, err := b.list(fmt.Sprintf("%s-%d", one, n), n, configs.For(one))
	if err != nil {
		return err
	}
	m, err := alternate(b.rounds, b.function(one, oneList), b.unbakePipeline(list))
	if err != nil {
		return err
	}
	ratio := m[1].wall.Seconds() / m[0].wall.Seconds()
	fmt.Printf("\npipeline on %d items: unbake with all %d steps %s ms, %s alone %s ms: %.2fx, at most %.1f  %s\n",
		n, len(configs.Functions), ms(m[1].wall), one, ms(m[0].wall), ratio, maxPipelineCost,
		b.mark(fmt.Sprintf("unbake pipeline on %d items: %.2fx %s, at most %.1f", n, ratio, one, maxPipelineCost), ratio <= maxPipelineCost))
	return nil
}

// kptRender runs the same six steps as exec functions through kpt fn render, on a package
// of the same items, against the unbake Pipeline on the ResourceList of those items.
func (b *bench) kptRender() error {
	if _, err := exec.LookPath(b.kpt); err != nil {
		fmt.Printf("\nkpt: %s not found, comparison skipped\n", b.kpt)
		return nil
	}
	n := b.kptItems
	pristine := filepath.Join(b.work, "kpt-package")
	var steps []gen.Step
	for _, fn := range configs.Functions {
		steps = append(steps, gen.Step{Exec: filepath.Join(b.bin, fn), Config: configs.For(fn)})
	}
	if err := gen.Package(pristine, n, steps); err != nil {
		return err
	}
	list, err := b.list(fmt.Sprintf("pipeline-%d", n), n, configs.Pipeline())
	if err != nil {
		return err
	}
	pkg := filepath.Join(b.work, "kpt-render")
	render := command{name: "kpt fn render", path: b.kpt, args: []string{"fn", "render", "--allow-exec", pkg},
		stdin: os.DevNull, check: kptRendered(len(steps)),
		prepare: func() error { return copyPackage(pristine, pkg) }}
	m, err := alternate(b.rounds, render, b.unbakePipeline(list))
	if err != nil {
		return err
	}
	faster := m[0].wall.Seconds() / m[1].wall.Seconds()
	fmt.Printf("\nkpt on %d items: kpt fn render --allow-exec with %d exec steps %s ms (peak RSS %s MB), unbake %s ms: %.1fx faster, at least %.0f  %s\n",
		n, len(steps), ms(m[0].wall), mb(m[0].rssKB), ms(m[1].wall), faster, minFasterKpt,
		b.mark(fmt.Sprintf("unbake pipeline on %d items: %.1fx faster than kpt fn render, at least %.0f", n, faster, minFasterKpt), faster >= minFasterKpt))
	return nil
}

// startup runs each function on a list without items: what a tool pays per function.
func (b *bench) startup() error {
	fmt.Printf("\nstart-up on an empty list, median of %d runs, at most %s\n", b.startupRounds, maxStartup)
	cmds, err := b.onEmptyLists()
	if err != nil {
		return err
	}
	m, err := alternate(b.startupRounds, cmds...)
	if err != nil {
		return err
	}
	for i, c := range cmds {
		status := "(baseline)"
		if i > 0 {
			status = b.mark(fmt.Sprintf("%s start-up %s ms, at most %s", c.name, ms(m[i].wall), maxStartup), m[i].wall <= maxStartup)
		}
		fmt.Printf("  %-22s %9s ms %7s MB  %s\n", c.name, ms(m[i].wall), mb(m[i].rssKB), status)
	}
	return nil
}

// warmUp runs every program once, untimed, so that the first measured run does not pay
// for reading the binary from disk.
func (b *bench) warmUp() error {
	cmds, err := b.onEmptyLists()
	if err != nil {
		return err
	}
	list, err := b.list("pipeline-4", 4, configs.Pipeline()) // its steps need workloads
	if err != nil {
		return err
	}
	_, err = alternate(1, append(cmds, b.unbakePipeline(list))...)
	return err
}

// onEmptyLists are the no-op and each function on a list without items.
func (b *bench) onEmptyLists() ([]command, error) {
	list, err := b.list("noop-empty", 0, nil)
	if err != nil {
		return nil, err
	}
	cmds := []command{b.noopCommand(list)}
	for _, fn := range configs.Functions {
		list, err := b.list(fn+"-empty", 0, configs.ForEmptyList(fn))
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, b.function(fn, list))
	}
	return cmds, nil
}

// list writes the ResourceList of n items with config into the work directory, once. It
// streams: a child's peak RSS starts from the runner's own (see measure.go), which must
// stay small.
func (b *bench) list(name string, n int, config []byte) (string, error) {
	path := filepath.Join(b.work, name+".yaml")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := gen.WriteList(f, n, config); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

func (b *bench) noopCommand(list string) command {
	return command{name: "noop", path: b.noop, stdin: list, check: isResourceList}
}

func (b *bench) function(fn, list string) command {
	return command{name: fn, path: filepath.Join(b.bin, fn), stdin: list, check: isResourceList}
}

func (b *bench) unbakePipeline(list string) command {
	return command{name: "unbake pipeline", path: filepath.Join(b.bin, "unbake"), stdin: list, check: isResourceList}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }
func mb(kb int64) string        { return fmt.Sprintf("%.0f", float64(kb)/1024) }
