package schema

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
)

// Docs reads the doc comments of the struct types declared in the Go files of dir (test
// files excluded), keyed by type name, and by type name + "." + field name (an embedded
// field by its type's name). A field without a doc comment above it takes its line
// comment. Lines of a paragraph are joined into one line; marker lines (+k8s:…) are left
// out.
func Docs(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	docs := map[string]string{}
	pkg := ""
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if pkg == "" {
			pkg = f.Name.Name
		} else if f.Name.Name != pkg {
			return nil, fmt.Errorf("%s: package %s, not %s", name, f.Name.Name, pkg)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && !gd.Lparen.IsValid() {
					doc = gd.Doc
				}
				add(docs, ts.Name.Name, doc)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, field := range st.Fields.List {
					doc := field.Doc
					if doc == nil {
						doc = field.Comment
					}
					for _, n := range field.Names {
						add(docs, ts.Name.Name+"."+n.Name, doc)
					}
					if len(field.Names) == 0 {
						if n := embeddedName(field.Type); n != "" {
							add(docs, ts.Name.Name+"."+n, doc)
						}
					}
				}
			}
		}
	}
	if pkg == "" {
		return nil, fmt.Errorf("no Go files in %s", dir)
	}
	return docs, nil
}

func add(docs map[string]string, key string, doc *ast.CommentGroup) {
	if text := docText(doc); text != "" {
		docs[key] = text
	}
}

// docText is the comment's text, each paragraph on one line.
func docText(doc *ast.CommentGroup) string {
	if doc == nil {
		return ""
	}
	var paragraphs []string
	var lines []string
	flush := func() {
		if len(lines) > 0 {
			paragraphs = append(paragraphs, strings.Join(lines, " "))
			lines = nil
		}
	}
	for line := range strings.SplitSeq(doc.Text(), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "+"):
			// a marker for code generators, not prose
		default:
			lines = append(lines, line)
		}
	}
	flush()
	return strings.Join(paragraphs, "\n\n")
}

// embeddedName is the field name of an embedded type: T, *T, pkg.T or *pkg.T.
func embeddedName(expr ast.Expr) string {
	switch e := expr.(type) {
	case *ast.StarExpr:
		return embeddedName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.IndexExpr: // generic T[X]
		return embeddedName(e.X)
	case *ast.IndexListExpr:
		return embeddedName(e.X)
	}
	return ""
}
