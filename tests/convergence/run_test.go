package convergence

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/pipeline"
)

// The number of random orders of all six steps, and their seed: a failure names its
// composition and input, and the same flags draw the same orders again.
var (
	orders = flag.Int("orders", 24, "random orders of all the steps per input")
	seed   = flag.Uint64("seed", 1, "the seed of the random orders and generated lists")
)

// Rendering the output of `unbake run` again gives the same bytes, for every composition
// on every input; or the first render fails, as it must for an order that cannot settle.
func TestRenderTwiceChangesNothing(t *testing.T) {
	steps, err := Steps()
	require.NoError(t, err)
	require.Len(t, steps, len(pipeline.Functions), "one config per function")
	inputs, err := Inputs("../../examples", *seed, *seed+1)
	require.NoError(t, err)
	compositions := Compositions(steps, *orders, *seed)
	var tally Tally
	for _, in := range inputs {
		t.Run(in.Name, func(t *testing.T) {
			for _, c := range compositions {
				config, err := c.Pipeline()
				require.NoError(t, err)
				render := func(stream string) Render {
					out := golden.Process(t, pipeline.Run, config, []byte(stream))
					return Render{Failed: out.Code != 0, Stream: out.Stream, Results: out.Results}
				}
				if !Check(t, c, in.Stream, render, &tally) {
					return // the first failure of an input tells enough
				}
			}
		})
	}
	t.Logf("%d compositions on %d inputs: %s", len(compositions), len(inputs), tally)
	require.NotZero(t, tally.Converged)
}
