package krm

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The record reads what it writes, the older formats too, and escapes what a key may hold.
func TestRecordReadsWhatItWritesAndOlderFormats(t *testing.T) {
	r := Record{}
	r.Set("b", "mount/app=/opt/a b,c;d@e", "")
	r.Set("a", "container/nginx", "0123456789")
	r.Set("a", "volume/x", "")
	text := r.String()
	require.Equal(t, "a: container/nginx@0123456789,volume/x; b: mount/app=/opt/a%20b%2Cc%3Bd%40e", text)
	require.Equal(t, r, ParseRecord(text))

	legacyList := ParseRecord("container/nginx=a@0123456789,volume/x=b@abc")
	require.Equal(t, Record{"a": {"container/nginx": "0123456789"}, "b": {"volume/x": "abc"}}, legacyList)
	legacyChain := ParseRecord("prep@f177e64ddd: volume/data,mount/app=/a%20b")
	require.Equal(t, Record{"prep": {"volume/data": "f177e64ddd", "mount/app=/a b": "f177e64ddd"}}, legacyChain)

	owner, hash := r.Owner("container/nginx")
	require.Equal(t, []string{"a", "0123456789"}, []string{owner, hash})
	r.Forget("b", "mount/app=/opt/a b,c;d@e")
	require.NotContains(t, r, "b", "a config that owns nothing leaves the record")
	require.Equal(t, "", Record{}.String())
}
