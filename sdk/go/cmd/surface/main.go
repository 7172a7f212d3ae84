// Command surface prints the Go SDK's public surface as JSON for `make sdk-parity`: the exported
// methods of *Client and the exported package functions, read from the sources with go/parser,
// and the error sentinels per code.
package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	tf "github.com/trust-fabric/trust-fabric/sdk/go"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	} else if _, file, _, ok := runtime.Caller(0); ok {
		dir = filepath.Join(filepath.Dir(file), "..", "..")
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		panic(err)
	}
	methods, functions := []string{}, []string{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || !fn.Name.IsExported() {
					continue
				}
				if fn.Recv == nil {
					functions = append(functions, fn.Name.Name)
					continue
				}
				if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); ok {
					if id, ok := star.X.(*ast.Ident); ok && id.Name == "Client" && fn.Name.Name != "Do" && fn.Name.Name != "Delay" {
						methods = append(methods, fn.Name.Name)
					}
				}
			}
		}
	}
	sort.Strings(methods)
	keep := []string{}
	for _, f := range []string{"Normalise", "FieldOf", "PepperField", "LeafOf", "LeavesOf", "VerifyGroth16"} {
		for _, g := range functions {
			if g == f {
				keep = append(keep, f)
			}
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"language": "go", "client": "Client", "methods": methods, "functions": keep, "errors": tf.ErrorSentinels})
}
