package krm

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// eachIndex calls do for 0..n-1 on as many goroutines as there are CPUs to run them.
func eachIndex(n int, do func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				do(i)
			}
		})
	}
	wg.Wait()
}
