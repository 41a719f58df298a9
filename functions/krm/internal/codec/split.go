package codec

import (
	"bytes"
	"unicode/utf8"
)

// List is a block-style ResourceList cut, without parsing, into the text outside its
// items and the text of each item: items can then be parsed in parallel (and only when
// a function reads them), and written back as their own bytes.
type List struct {
	// Header is the list without its items; its items: key is left with no value.
	Header []byte
	Items  []Text
}

// Text is one item as it came in.
type Text struct {
	// Entry is the item as a sequence entry at column 0 ("- " and its lines), with the
	// comments right above its dash: what is written for an unchanged item.
	Entry []byte
	// Text is the entry with the list's indentation, as it stands in the input (for the
	// first item, from the line after "items:").
	Text []byte
	// Line is the input line Text starts on, from 1.
	Line int
	// EntryLine is the input line Entry starts on, and Dash the column of its dash.
	EntryLine, Dash int
}

// Split cuts data into a List. It declines (ok false) whatever it cannot cut
// with certainty from indentation alone — flow style, anchors, aliases, tags, quoted or
// flow values spanning lines, tabs, comments ending an item — and such input is parsed
// as a whole.
func Split(data []byte) (List, bool) {
	if !Fast {
		return List{}, false
	}
	return split(data)
}

func split(data []byte) (List, bool) {
	itemsLine, regionStart := findItemsKey(data)
	if itemsLine < 0 || !printable(data) {
		return List{}, false
	}
	s := splitter{data: data, dash: -1, commentRun: entryStart{-1, 0}, blockParent: -1, lastComment: -1}
	regionEnd, ok := s.scan(regionStart, itemsLine+1)
	if !ok {
		return List{}, false
	}
	header := make([]byte, 0, regionStart+len(data)-regionEnd)
	header = append(append(header, data[:regionStart]...), data[regionEnd:]...)
	lt := List{Header: header, Items: make([]Text, len(s.starts))}
	for i, start := range s.starts {
		end := regionEnd
		if i+1 < len(s.starts) {
			end = s.starts[i+1].offset
		}
		entry, ok := dedent(data[start.offset:end], s.dash)
		if !ok {
			return List{}, false
		}
		lt.Items[i] = Text{Entry: entry, Text: data[start.offset:end], Line: start.line,
			EntryLine: start.line, Dash: s.dash}
		if i == 0 { // what stands between "items:" and the first entry is parsed with it
			lt.Items[i].Text, lt.Items[i].Line = data[regionStart:end], itemsLine+1
		}
	}
	return lt, true
}

// findItemsKey finds the one line "items:" (with nothing after it but a comment) at
// column 0, and returns its line number (from 1) and the offset of the line after it.
func findItemsKey(data []byte) (line, next int) {
	line, found := -1, 0
	for off, n := 0, 1; off < len(data); n++ {
		end := lineEnd(data, off)
		if bytes.HasPrefix(data[off:end], []byte("items:")) {
			found++
			rest := bytes.TrimLeft(data[off+len("items:"):end], " ")
			if len(rest) > 0 && rest[0] != '\n' && rest[0] != '#' {
				return -1, 0
			}
			line, next = n, end
		}
		off = end
	}
	if found != 1 {
		return -1, 0
	}
	return line, next
}

// printable tells whether data is UTF-8 without the control characters YAML forbids:
// text that is cut out and never parsed must not hide what the parser would reject.
func printable(data []byte) bool {
	for i, c := range data {
		switch {
		case c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0x7f:
			return false
		case c == 0xc2 && i+1 < len(data) && data[i+1] < 0xa0 && data[i+1] != 0x85: // C1 controls
			return false
		case c == 0xef && i+2 < len(data) && data[i+1] == 0xbf && data[i+2] >= 0xbe: // U+FFFE, U+FFFF
			return false
		}
	}
	return utf8.Valid(data)
}

func lineEnd(data []byte, off int) int {
	if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(data)
}

type entryStart struct{ offset, line int }

// splitter walks the lines after "items:", finding where each entry starts and where
// the items end, and checking every line for what would make cutting unsafe.
type splitter struct {
	data   []byte
	dash   int // the column of the entries' dashes, once known
	starts []entryStart
	// commentRun is where the comment lines right above the current line begin (they
	// belong to the entry whose dash follows), or -1.
	commentRun entryStart
	// blockParent: while a block scalar runs, its lines are those indented more than this.
	blockParent int
	// lastComment and lastContent are the offsets of the last comment and content lines.
	lastComment, lastContent int
}

// endsWithComment tells whether comment lines end the text before offset end. The
// parser attaches such comments by what follows them, which differs once cut out.
func (s *splitter) endsWithComment(end int) bool {
	return s.lastComment > s.lastContent && s.lastComment < end
}

// scan walks from offset off (line n) to the end of the items, and returns that end.
func (s *splitter) scan(off, n int) (int, bool) {
	for ; off < len(s.data); n++ {
		end := lineEnd(s.data, off)
		line := bytes.TrimSuffix(s.data[off:end], []byte("\n"))
		indent := len(line) - len(bytes.TrimLeft(line, " "))
		if indent == len(line) {
			s.commentRun.offset = -1
			off = end
			continue
		}
		if s.blockParent >= 0 && indent > s.blockParent {
			off = end
			continue
		}
		s.blockParent = -1
		switch c := line[indent]; {
		case c == '\t':
			return 0, false
		case c == '#':
			s.lastComment = off
			if s.commentRun.offset < 0 && (s.dash < 0 || indent <= s.dash) {
				s.commentRun = entryStart{off, n}
			} else if s.dash >= 0 && indent > s.dash {
				s.commentRun.offset = -1
			}
			off = end
			continue
		case s.dash < 0 && !isDash(line, indent):
			if indent > 0 {
				return 0, false
			}
			return off, true // no items
		case s.dash < 0:
			s.dash = indent
		}
		switch {
		case indent < s.dash || indent == 0 && !isDash(line, 0):
			return off, !s.endsWithComment(off) // the next key of the list
		case indent == s.dash && !isDash(line, indent):
			return 0, false
		case indent == s.dash:
			start := entryStart{off, n}
			if s.commentRun.offset >= 0 {
				start = s.commentRun
			}
			if len(s.starts) > 0 && s.endsWithComment(start.offset) {
				return 0, false
			}
			s.starts = append(s.starts, start)
		}
		s.lastContent = off
		s.commentRun.offset = -1
		if !s.scanLine(line, indent) {
			return 0, false
		}
		off = end
	}
	return len(s.data), !s.endsWithComment(len(s.data))
}

func isDash(line []byte, at int) bool {
	return len(line) > at && line[at] == '-' && (len(line) == at+1 || line[at+1] == ' ')
}

// scanLine checks the content of one line from column at, where a node starts, and
// notes a block scalar that starts on it. It declines what it cannot be sure of.
func (s *splitter) scanLine(line []byte, at int) bool {
	parent, i := at, at
	for isDash(line, i) {
		parent = i
		i = skipSpaces(line, i+1)
	}
	if i == len(line) {
		return true
	}
	switch c := line[i]; c {
	case '#':
		return true
	case '"', '\'':
		j := closeQuote(line, i)
		if j < 0 {
			return false
		}
		j = skipSpaces(line, j+1)
		if j == len(line) || line[j] == '#' {
			return true
		}
		if line[j] != ':' || j+1 < len(line) && line[j+1] != ' ' {
			return false
		}
		return s.scanValue(line, skipSpaces(line, j+1), i)
	case '[', '{':
		return closedAtEnd(line, i)
	case '|', '>':
		return s.blockScalar(line, i, parent)
	}
	if !plainStart(line[i]) {
		return false
	}
	for j := i; j < len(line); j++ {
		switch {
		case line[j] == ':' && (j+1 == len(line) || line[j+1] == ' '):
			return s.scanValue(line, skipSpaces(line, j+1), i)
		case line[j] == '#' && line[j-1] == ' ':
			return true
		}
	}
	return true
}

// scanValue checks a mapping value starting at column i of line, whose key is at column
// key.
func (s *splitter) scanValue(line []byte, i, key int) bool {
	if i == len(line) {
		return true
	}
	switch c := line[i]; c {
	case '#':
		return true
	case '"', '\'', '[', '{':
		return closedAtEnd(line, i)
	case '|', '>':
		return s.blockScalar(line, i, key)
	case '-':
		return !isDash(line, i)
	}
	return plainStart(line[i])
}

// plainStart tells whether c can start a plain scalar or key without being an anchor,
// alias, tag, directive or another indicator this cutter does not follow.
func plainStart(c byte) bool {
	switch c {
	case '&', '*', '!', '?', '%', '@', '`', ':', ',', ']', '}':
		return false
	}
	return true
}

// blockScalar checks a block scalar header ("|", ">-", …) and notes that the lines
// indented more than parent are its content. Explicit indentation is declined.
func (s *splitter) blockScalar(line []byte, i, parent int) bool {
	j := i + 1
	if j < len(line) && (line[j] == '-' || line[j] == '+') {
		j++
	}
	j = skipSpaces(line, j)
	if j < len(line) && line[j] != '#' {
		return false
	}
	s.blockParent = parent
	return true
}

// closedAtEnd tells whether the quoted scalar or flow collection opened at i closes on
// this line with nothing after it but a comment.
func closedAtEnd(line []byte, i int) bool {
	var j int
	if line[i] == '"' || line[i] == '\'' {
		j = closeQuote(line, i)
	} else {
		j = closeFlow(line, i)
	}
	if j < 0 {
		return false
	}
	j = skipSpaces(line, j+1)
	return j == len(line) || line[j] == '#'
}

// closeQuote returns the column of the quote closing the scalar opened at i, or -1 if
// it does not close on this line. The cutter reads bytes, the fast parser strings.
func closeQuote[T ~string | ~[]byte](line T, i int) int {
	q := line[i]
	for j := i + 1; j < len(line); j++ {
		switch {
		case q == '"' && line[j] == '\\':
			j++
		case line[j] == q && q == '\'' && j+1 < len(line) && line[j+1] == '\'':
			j++
		case line[j] == q:
			return j
		}
	}
	return -1
}

// closeFlow returns the column of the bracket closing the flow collection opened at i,
// or -1 if it does not close on this line. Any quote character is taken to open a
// quoted scalar, so a line it cannot read is declined rather than misread.
func closeFlow(line []byte, i int) int {
	depth := 0
	for j := i; j < len(line); j++ {
		switch line[j] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return j
			}
		case '"', '\'':
			if j = closeQuote(line, j); j < 0 {
				return -1
			}
		case '#':
			if line[j-1] == ' ' {
				return -1
			}
		case '&', '*', '!':
			if p := line[j-1]; p == ' ' || p == '[' || p == '{' || p == ',' {
				return -1
			}
		}
	}
	return -1
}

func skipSpaces(line []byte, i int) int {
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return i
}

// dedent returns text, whose entries have their dashes at column dash, as an entry at
// column 0. Comment and blank lines may stand further left; any other text there is
// declined. Spaces on blank lines are kept: in a block scalar they can be content.
// Text must end with a line break: adding one could change a block scalar's value.
func dedent(text []byte, dash int) ([]byte, bool) {
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return nil, false
	}
	if dash == 0 {
		return text, true
	}
	out := make([]byte, 0, len(text))
	for off := 0; off < len(text); {
		end := lineEnd(text, off)
		line := text[off:end]
		trimmed := bytes.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		switch {
		case trimmed[0] == '\n' && indent < dash:
			out = append(out, '\n')
		case indent < dash && trimmed[0] != '#':
			return nil, false
		case indent < dash:
			out = append(out, trimmed...)
		default:
			out = append(out, line[dash:]...)
		}
		off = end
	}
	return out, true
}
