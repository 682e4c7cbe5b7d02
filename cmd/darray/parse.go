package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The expression language of `darray eval` is a practical subset of Python with NumPy's
// names: literals, names, arithmetic, comparisons, bitwise & | ~, indexing and slicing,
// attributes, calls with keyword arguments, tuples and lists, and assignments, in
// statements separated by ";" or newlines. The last statement's value is the result.

// SyntaxError points at the column where the expression went wrong.
type SyntaxError struct {
	Src string
	Col int // 1-based
	Msg string
}

func (e *SyntaxError) Error() string {
	line := e.Src
	col := e.Col
	if i := strings.LastIndexByte(e.Src[:min(len(e.Src), max(col-1, 0))], '\n'); i >= 0 {
		line, col = e.Src[i+1:], col-i-1
	}
	if j := strings.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	return fmt.Sprintf("syntax error at column %d: %s\n  %s\n  %s^", col, e.Msg, line, strings.Repeat(" ", max(col-1, 0)))
}

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tName
	tOp
	tSep // ; or newline
)

type token struct {
	kind tokKind
	text string
	pos  int // 0-based offset
}

func tokenize(src string) ([]token, error) {
	var toks []token
	ops := []string{"**", "//", "<=", ">=", "==", "!=", "+", "-", "*", "/", "%", "@", "<", ">", "&", "|", "^", "~", "(", ")", "[", "]", ",", ":", ".", "=", "..."}
	i := 0
	depth := 0
	for i < len(src) {
		c := rune(src[i])
		switch {
		case c == '\n' && depth == 0, c == ';':
			toks = append(toks, token{tSep, string(c), i})
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case unicode.IsDigit(c) || c == '.' && i+1 < len(src) && unicode.IsDigit(rune(src[i+1])):
			j := i
			for j < len(src) && (unicode.IsDigit(rune(src[j])) || src[j] == '.' || src[j] == '_' ||
				src[j] == 'e' || src[j] == 'E' || (src[j] == '-' || src[j] == '+') && j > i && (src[j-1] == 'e' || src[j-1] == 'E')) {
				j++
			}
			if j < len(src) && (src[j] == 'j' || src[j] == 'J') {
				j++
			}
			toks = append(toks, token{tNum, src[i:j], i})
			i = j
		case unicode.IsLetter(c) || c == '_':
			j := i
			for j < len(src) && (unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j])) || src[j] == '_') {
				j++
			}
			toks = append(toks, token{tName, src[i:j], i})
			i = j
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(src) && rune(src[j]) != c {
				j++
			}
			if j >= len(src) {
				return nil, &SyntaxError{src, i + 1, "unterminated string"}
			}
			toks = append(toks, token{tStr, src[i+1 : j], i})
			i = j + 1
		default:
			matched := ""
			for _, op := range ops {
				if strings.HasPrefix(src[i:], op) && len(op) > len(matched) {
					matched = op
				}
			}
			if matched == "" {
				return nil, &SyntaxError{src, i + 1, fmt.Sprintf("unexpected character %q", c)}
			}
			switch matched {
			case "(", "[":
				depth++
			case ")", "]":
				depth--
			}
			toks = append(toks, token{tOp, matched, i})
			i += len(matched)
		}
	}
	return append(toks, token{tEOF, "", len(src)}), nil
}

// node is a parsed expression.
type node interface{ pos() int }

type (
	numLit struct {
		at   int
		text string
	}
	strLit struct {
		at   int
		text string
	}
	nameRef struct {
		at   int
		name string
	}
	unaryExpr struct {
		at int
		op string
		x  node
	}
	binaryExpr struct {
		at   int
		op   string
		x, y node
	}
	attrExpr struct {
		at   int
		x    node
		name string
	}
	callExpr struct {
		at     int
		fn     node
		args   []node
		kwargs map[string]node
		kwList []string
	}
	indexExpr struct {
		at  int
		x   node
		idx []node // each a node or a sliceExpr, ellipsis or None
	}
	sliceExpr struct {
		at                int
		start, stop, step node // nil when omitted
	}
	ellipsisLit struct{ at int }
	tupleExpr   struct {
		at    int
		items []node
	}
	assignStmt struct {
		at    int
		names []string // one, or several to unpack a tuple into ("q, r = linalg.qr(a)")
		x     node
	}
)

func (n *numLit) pos() int      { return n.at }
func (n *strLit) pos() int      { return n.at }
func (n *nameRef) pos() int     { return n.at }
func (n *unaryExpr) pos() int   { return n.at }
func (n *binaryExpr) pos() int  { return n.at }
func (n *attrExpr) pos() int    { return n.at }
func (n *callExpr) pos() int    { return n.at }
func (n *indexExpr) pos() int   { return n.at }
func (n *sliceExpr) pos() int   { return n.at }
func (n *ellipsisLit) pos() int { return n.at }
func (n *tupleExpr) pos() int   { return n.at }
func (n *assignStmt) pos() int  { return n.at }

type parser struct {
	src  string
	toks []token
	i    int
}

// parseProgram parses statements separated by ";" or newlines.
func parseProgram(src string) ([]node, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	var stmts []node
	for {
		for p.peek().kind == tSep {
			p.i++
		}
		if p.peek().kind == tEOF {
			break
		}
		s, err := p.statement()
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s)
		if t := p.peek(); t.kind != tSep && t.kind != tEOF {
			return nil, p.errAt(t, fmt.Sprintf("unexpected %q", t.text))
		}
	}
	if len(stmts) == 0 {
		return nil, &SyntaxError{src, 1, "empty expression"}
	}
	return stmts, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errAt(t token, msg string) error {
	if t.kind == tEOF {
		msg = "unexpected end of expression"
	}
	return &SyntaxError{p.src, t.pos + 1, msg}
}

func (p *parser) accept(op string) bool {
	if t := p.peek(); t.kind == tOp && t.text == op {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(op string) error {
	if !p.accept(op) {
		return p.errAt(p.peek(), fmt.Sprintf("expected %q", op))
	}
	return nil
}

func (p *parser) statement() (node, error) {
	if names, next := p.targets(); names != nil {
		at := p.peek().pos
		p.i = next
		x, err := p.tuple()
		if err != nil {
			return nil, err
		}
		return &assignStmt{at, names, x}, nil
	}
	return p.tuple()
}

// targets looks for "name =" or "name, name, ... =" at the current token: the names and
// the position after "=", or nil when the statement is not an assignment.
func (p *parser) targets() (names []string, next int) {
	for i := p.i; i+1 < len(p.toks); i += 2 {
		name, sep := p.toks[i], p.toks[i+1]
		if name.kind != tName || sep.kind != tOp {
			return nil, 0
		}
		names = append(names, name.text)
		switch sep.text {
		case "=":
			return names, i + 2
		case ",":
		default:
			return nil, 0
		}
	}
	return nil, 0
}

// tuple parses "a, b, c" (a bare tuple) or a single expression.
func (p *parser) tuple() (node, error) {
	at := p.peek().pos
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tOp || p.peek().text != "," {
		return x, nil
	}
	items := []node{x}
	for p.accept(",") {
		if t := p.peek(); t.kind == tSep || t.kind == tEOF || t.kind == tOp && (t.text == ")" || t.text == "]") {
			break
		}
		y, err := p.expr()
		if err != nil {
			return nil, err
		}
		items = append(items, y)
	}
	return &tupleExpr{at, items}, nil
}

var precedence = [][]string{{"<", "<=", ">", ">=", "==", "!="}, {"|"}, {"^"}, {"&"}, {"+", "-"}, {"*", "/", "//", "%", "@"}}

func (p *parser) expr() (node, error) { return p.binary(0) }

func (p *parser) binary(level int) (node, error) {
	if level == len(precedence) {
		return p.unary()
	}
	x, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tOp || !slices.Contains(precedence[level], t.text) {
			return x, nil
		}
		p.i++
		y, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		x = &binaryExpr{t.pos, t.text, x, y}
	}
}

func (p *parser) unary() (node, error) {
	if t := p.peek(); t.kind == tOp && (t.text == "-" || t.text == "+" || t.text == "~") {
		p.i++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &unaryExpr{t.pos, t.text, x}, nil
	}
	return p.power()
}

func (p *parser) power() (node, error) {
	x, err := p.postfix()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tOp && t.text == "**" {
		p.i++
		y, err := p.unary() // right-associative, binds tighter than unary minus on the left
		if err != nil {
			return nil, err
		}
		return &binaryExpr{t.pos, "**", x, y}, nil
	}
	return x, nil
}

func (p *parser) postfix() (node, error) {
	x, err := p.atom()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case t.kind == tOp && t.text == ".":
			p.i++
			name := p.next()
			if name.kind != tName {
				return nil, p.errAt(name, "expected a name after '.'")
			}
			x = &attrExpr{name.pos, x, name.text}
		case t.kind == tOp && t.text == "(":
			p.i++
			call := &callExpr{at: t.pos, fn: x, kwargs: map[string]node{}}
			for !p.accept(")") {
				if kw := p.peek(); kw.kind == tName && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == "=" {
					p.i += 2
					v, err := p.expr()
					if err != nil {
						return nil, err
					}
					call.kwargs[kw.text] = v
					call.kwList = append(call.kwList, kw.text)
				} else {
					if len(call.kwargs) > 0 {
						return nil, p.errAt(kw, "positional argument after keyword argument")
					}
					v, err := p.expr()
					if err != nil {
						return nil, err
					}
					call.args = append(call.args, v)
				}
				if !p.accept(",") {
					if err := p.expect(")"); err != nil {
						return nil, err
					}
					break
				}
			}
			x = call
		case t.kind == tOp && t.text == "[":
			p.i++
			ix := &indexExpr{at: t.pos, x: x}
			for {
				item, err := p.subscript()
				if err != nil {
					return nil, err
				}
				ix.idx = append(ix.idx, item)
				if !p.accept(",") {
					break
				}
				if q := p.peek(); q.kind == tOp && q.text == "]" {
					break
				}
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			x = ix
		default:
			return x, nil
		}
	}
}

// subscript parses one index: an expression, a slice "a:b:c" with any part omitted, or "...".
func (p *parser) subscript() (node, error) {
	at := p.peek().pos
	if p.accept("...") {
		return &ellipsisLit{at}, nil
	}
	var parts [3]node
	k := 0
	isSlice := false
	for {
		t := p.peek()
		if !(t.kind == tOp && (t.text == ":" || t.text == "," || t.text == "]")) {
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			parts[k] = x
		}
		if !p.accept(":") {
			break
		}
		isSlice = true
		k++
		if k > 2 {
			return nil, p.errAt(p.peek(), "too many ':' in a slice")
		}
	}
	if !isSlice {
		if parts[0] == nil {
			return nil, p.errAt(p.peek(), "empty index")
		}
		return parts[0], nil
	}
	return &sliceExpr{at, parts[0], parts[1], parts[2]}, nil
}

func (p *parser) atom() (node, error) {
	t := p.next()
	switch t.kind {
	case tNum:
		return &numLit{t.pos, t.text}, nil
	case tStr:
		return &strLit{t.pos, t.text}, nil
	case tName:
		return &nameRef{t.pos, t.text}, nil
	case tOp:
		switch t.text {
		case "(":
			if p.accept(")") {
				return &tupleExpr{t.pos, nil}, nil
			}
			x, err := p.tuple()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			return x, nil
		case "[":
			list := &tupleExpr{at: t.pos}
			for !p.accept("]") {
				x, err := p.expr()
				if err != nil {
					return nil, err
				}
				list.items = append(list.items, x)
				if !p.accept(",") {
					if err := p.expect("]"); err != nil {
						return nil, err
					}
					break
				}
			}
			return list, nil
		}
	}
	return nil, p.errAt(t, fmt.Sprintf("unexpected %q", t.text))
}

// parseNumber reads an int, float or complex literal.
func parseNumber(text string) (any, error) {
	t := strings.ReplaceAll(text, "_", "")
	if strings.HasSuffix(t, "j") || strings.HasSuffix(t, "J") {
		f, err := strconv.ParseFloat(t[:len(t)-1], 64)
		return complex(0, f), err
	}
	i, err := strconv.ParseInt(t, 10, 64)
	if err == nil {
		return i, nil
	}
	if !strings.ContainsAny(t, ".eE") { // an integer, but past 64 bits: Python keeps it exact
		return nil, fmt.Errorf("integer %s does not fit in 64 bits (darray's integers are int64; write %s.0 for a float)", text, text)
	}
	return strconv.ParseFloat(t, 64)
}
