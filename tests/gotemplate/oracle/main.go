// Command oracle executes Go text/template (with sprig v3's function map) for the Python test suite.
//
// It is the reference the pure-Python engine in simulator/gotemplate is compared against, so it does
// nothing clever: it reproduces, case by case, what a Go program calling
// template.New(name).Funcs(sprig.TxtFuncMap()).Option("missingkey=...").Parse(text).Execute(w, data)
// would produce.
//
// Batch mode (default): one JSON object per stdin line
//
//	{"template": str, "data": any, "missingkey": "default"|"zero"|"error", "name": str,
//	 "entry": str (optional: ExecuteTemplate with this name), "funcs": [str] (optional test functions)}
//
// and one JSON object per stdout line: {"output": str} or {"error": str, "phase": "parse"|"exec"}.
// When the text is not valid UTF-8 it is sent base64-encoded in "output_b64" / "error_b64" instead.
//
// Bench mode (-bench N): reads a single such object, parses once, executes N times and prints
// {"median_ns": int, "min_ns": int, "output": str}. The pseudo function name "@istio-bench" in "funcs"
// installs bench.go's stand-ins for Istio's injection functions.
//
// Data typing. Plain JSON maps to the Go types the Python engine uses for plain Python data:
// object -> map[string]interface{}, array -> []interface{}, string, bool, null -> nil, and a number
// -> int when its literal has no '.', 'e' or 'E' (Python's json writes every float with one of those),
// float64 otherwise. Any other Go type is spelled with a tag object that has exactly the two keys
// "$go" and "v": {"$go": "int64", "v": 3}, {"$go": "float64", "v": "+Inf"}, {"$go": "map[string]string",
// "v": {...}}, {"$go": "[]string", "v": [...]}, {"$go": "func", "v": "tfUpper"} (a test function value),
// {"$go": "struct:Outer", "v": {...}} (the test structs below; "*struct:Outer" for a pointer).
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/Masterminds/sprig/v3"
)

type request struct {
	Template   string          `json:"template"`
	Data       json.RawMessage `json:"data"`
	MissingKey string          `json:"missingkey"`
	Name       string          `json:"name"`
	Entry      string          `json:"entry"`
	Funcs      []string        `json:"funcs"`
}

func main() {
	bench := flag.Int("bench", 0, "execute the single request this many times and report timings")
	flag.Parse()
	if *bench > 0 {
		if err := runBench(os.Stdin, os.Stdout, *bench); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			out.Write(handle(line))
			out.WriteByte('\n')
			out.Flush()
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

func handle(line []byte) []byte {
	resp := map[string]interface{}{}
	func() {
		defer func() {
			if r := recover(); r != nil {
				resp = map[string]interface{}{"panic": fmt.Sprint(r)}
			}
		}()
		var req request
		if err := json.Unmarshal(line, &req); err != nil {
			resp["bad_request"] = err.Error()
			return
		}
		data, err := decodeData(req.Data)
		if err != nil {
			resp["bad_request"] = err.Error()
			return
		}
		t, err := newTemplate(req)
		if err != nil {
			resp["phase"] = "parse"
			putText(resp, "error", err.Error())
			return
		}
		var buf bytes.Buffer
		if req.Entry != "" {
			err = t.ExecuteTemplate(&buf, req.Entry, data)
		} else {
			err = t.Execute(&buf, data)
		}
		if err != nil {
			resp["phase"] = "exec"
			putText(resp, "error", err.Error())
			return
		}
		putText(resp, "output", buf.String())
	}()
	b, _ := json.Marshal(resp)
	return b
}

func putText(resp map[string]interface{}, key, s string) {
	if utf8.ValidString(s) {
		resp[key] = s
	} else {
		resp[key+"_b64"] = base64.StdEncoding.EncodeToString([]byte(s))
	}
}

func newTemplate(req request) (*template.Template, error) {
	name := req.Name
	if name == "" {
		name = "template"
	}
	mk := req.MissingKey
	if mk == "" {
		mk = "default"
	}
	fm := template.FuncMap{}
	for _, f := range req.Funcs {
		if f == "@istio-bench" {
			for k, v := range benchFuncs {
				fm[k] = v
			}
			continue
		}
		fn, ok := testFuncs[f]
		if !ok {
			return nil, fmt.Errorf("oracle: unknown test function %q", f)
		}
		fm[f] = fn
	}
	return template.New(name).Funcs(sprig.TxtFuncMap()).Funcs(fm).Option("missingkey=" + mk).Parse(req.Template)
}

func runBench(r io.Reader, w io.Writer, n int) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return err
	}
	data, err := decodeData(req.Data)
	if err != nil {
		return err
	}
	t, err := newTemplate(req)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	times := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		buf.Reset()
		start := time.Now()
		if err := t.Execute(&buf, data); err != nil {
			return err
		}
		times = append(times, time.Since(start).Nanoseconds())
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	res := map[string]interface{}{"median_ns": times[len(times)/2], "min_ns": times[0], "output": buf.String()}
	b, _ := json.Marshal(res)
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// ---------------------------------------------------------------------------------------------------
// Data decoding

func decodeData(raw json.RawMessage) (interface{}, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return convert(v)
}

// convert turns a UseNumber-decoded JSON value into the Go value the Python side means.
func convert(v interface{}) (interface{}, error) {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		if strings.ContainsAny(s, ".eE") {
			return strconv.ParseFloat(s, 64)
		}
		i, err := strconv.ParseInt(s, 10, 64)
		return int(i), err
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, e := range x {
			c, err := convert(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]interface{}:
		if tag, ok := x["$go"]; ok && len(x) == 2 {
			if _, ok := x["v"]; ok {
				ts, _ := tag.(string)
				return convertTagged(ts, x["v"])
			}
		}
		out := make(map[string]interface{}, len(x))
		for k, e := range x {
			c, err := convert(e)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	}
	return v, nil
}

func convertTagged(tag string, v interface{}) (interface{}, error) {
	switch {
	case tag == "func":
		name, _ := v.(string)
		fn, ok := testFuncs[name]
		if !ok {
			return nil, fmt.Errorf("unknown test function %q", name)
		}
		return fn, nil
	case strings.HasPrefix(tag, "struct:") || strings.HasPrefix(tag, "*struct:"):
		return convertStruct(tag, v)
	}
	t, err := parseType(tag)
	if err != nil {
		return nil, err
	}
	rv, err := toType(t, v)
	if err != nil {
		return nil, err
	}
	return rv.Interface(), nil
}

var basicTypes = map[string]reflect.Type{
	"bool": reflect.TypeOf(false), "string": reflect.TypeOf(""),
	"int": reflect.TypeOf(0), "int64": reflect.TypeOf(int64(0)), "int32": reflect.TypeOf(int32(0)),
	"int16": reflect.TypeOf(int16(0)), "int8": reflect.TypeOf(int8(0)),
	"uint": reflect.TypeOf(uint(0)), "uint64": reflect.TypeOf(uint64(0)), "uint32": reflect.TypeOf(uint32(0)),
	"uint16": reflect.TypeOf(uint16(0)), "uint8": reflect.TypeOf(uint8(0)), "uintptr": reflect.TypeOf(uintptr(0)),
	"float64": reflect.TypeOf(0.0), "float32": reflect.TypeOf(float32(0)),
	"interface {}": reflect.TypeOf((*interface{})(nil)).Elem(),
}

func parseType(s string) (reflect.Type, error) {
	if t, ok := basicTypes[s]; ok {
		return t, nil
	}
	if strings.HasPrefix(s, "[]") {
		e, err := parseType(s[2:])
		if err != nil {
			return nil, err
		}
		return reflect.SliceOf(e), nil
	}
	if strings.HasPrefix(s, "map[string]") {
		e, err := parseType(s[len("map[string]"):])
		if err != nil {
			return nil, err
		}
		return reflect.MapOf(basicTypes["string"], e), nil
	}
	return nil, fmt.Errorf("unsupported type tag %q", s)
}

func toType(t reflect.Type, v interface{}) (reflect.Value, error) {
	if t.Kind() == reflect.Interface {
		c, err := convert(v)
		if err != nil {
			return reflect.Value{}, err
		}
		if c == nil {
			return reflect.Zero(t), nil
		}
		return reflect.ValueOf(c), nil
	}
	if v == nil {
		return reflect.Zero(t), nil
	}
	switch t.Kind() {
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return reflect.Value{}, fmt.Errorf("want bool, got %v", v)
		}
		return reflect.ValueOf(b).Convert(t), nil
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return reflect.Value{}, fmt.Errorf("want string, got %v", v)
		}
		return reflect.ValueOf(s).Convert(t), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return reflect.Value{}, fmt.Errorf("want integer, got %v", v)
		}
		i, err := strconv.ParseInt(string(n), 10, t.Bits())
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(i).Convert(t), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, ok := v.(json.Number)
		if !ok {
			return reflect.Value{}, fmt.Errorf("want unsigned integer, got %v", v)
		}
		u, err := strconv.ParseUint(string(n), 10, t.Bits())
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(u).Convert(t), nil
	case reflect.Float32, reflect.Float64:
		var f float64
		var err error
		switch n := v.(type) {
		case json.Number:
			f, err = strconv.ParseFloat(string(n), t.Bits())
		case string: // "+Inf", "-Inf", "NaN"
			f, err = strconv.ParseFloat(n, 64)
		default:
			err = fmt.Errorf("want float, got %v", v)
		}
		if err != nil {
			return reflect.Value{}, err
		}
		if math.IsNaN(f) {
			f = math.NaN()
		}
		return reflect.ValueOf(f).Convert(t), nil
	case reflect.Slice:
		a, ok := v.([]interface{})
		if !ok {
			return reflect.Value{}, fmt.Errorf("want array for %s", t)
		}
		out := reflect.MakeSlice(t, len(a), len(a))
		for i, e := range a {
			ev, err := toType(t.Elem(), e)
			if err != nil {
				return reflect.Value{}, err
			}
			out.Index(i).Set(ev)
		}
		return out, nil
	case reflect.Map:
		m, ok := v.(map[string]interface{})
		if !ok {
			return reflect.Value{}, fmt.Errorf("want object for %s", t)
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for k, e := range m {
			ev, err := toType(t.Elem(), e)
			if err != nil {
				return reflect.Value{}, err
			}
			out.SetMapIndex(reflect.ValueOf(k), ev)
		}
		return out, nil
	}
	return reflect.Value{}, fmt.Errorf("unsupported type %s", t)
}

// ---------------------------------------------------------------------------------------------------
// Test structs: small Go types that exercise field/method resolution the way Kubernetes structs do.
// The Python suite models the same schema with a GoStruct subclass (tests/gotemplate/gotypes.py).

type Inner struct {
	Name   string
	Port   int
	Tags   []string
	Labels map[string]string
}

func (i Inner) Addr() string           { return fmt.Sprintf("%s:%d", i.Name, i.Port) }
func (i *Inner) PtrName() string       { return "*" + i.Name }
func (i Inner) Join(sep string) string { return strings.Join(i.Tags, sep) }

type Outer struct {
	Meta    Inner
	Ptr     *Inner
	Count   int
	Enabled bool
	Ratio   float64
	Items   []Inner
	Any     interface{}
	Values  map[string]interface{}
}

func (o Outer) Greet(who string) string { return "hello " + who + " from " + o.Meta.Name }
func (o Outer) Fail() (string, error)   { return "", errors.New("method failed") }
func (o Outer) Double(n int) int        { return 2 * n }

func convertStruct(tag string, v interface{}) (interface{}, error) {
	ptr := strings.HasPrefix(tag, "*")
	name := strings.TrimPrefix(strings.TrimPrefix(tag, "*"), "struct:")
	var t reflect.Type
	switch name {
	case "Inner":
		t = reflect.TypeOf(Inner{})
	case "Outer":
		t = reflect.TypeOf(Outer{})
	default:
		return nil, fmt.Errorf("unknown test struct %q", name)
	}
	if v == nil && ptr {
		return reflect.Zero(reflect.PointerTo(t)).Interface(), nil
	}
	sv, err := structValue(t, v)
	if err != nil {
		return nil, err
	}
	if ptr {
		p := reflect.New(t)
		p.Elem().Set(sv)
		return p.Interface(), nil
	}
	return sv.Interface(), nil
}

func structValue(t reflect.Type, v interface{}) (reflect.Value, error) {
	m, ok := v.(map[string]interface{})
	if !ok {
		return reflect.Value{}, fmt.Errorf("want object for struct %s", t)
	}
	out := reflect.New(t).Elem()
	for k, e := range m {
		f, ok := t.FieldByName(k)
		if !ok {
			return reflect.Value{}, fmt.Errorf("struct %s has no field %s", t, k)
		}
		fv, err := fieldValue(f.Type, e)
		if err != nil {
			return reflect.Value{}, err
		}
		out.FieldByIndex(f.Index).Set(fv)
	}
	return out, nil
}

func fieldValue(t reflect.Type, v interface{}) (reflect.Value, error) {
	switch {
	case t.Kind() == reflect.Struct:
		return structValue(t, v)
	case t.Kind() == reflect.Ptr && t.Elem().Kind() == reflect.Struct:
		if v == nil {
			return reflect.Zero(t), nil
		}
		sv, err := structValue(t.Elem(), v)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(sv)
		return p, nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		a, _ := v.([]interface{})
		out := reflect.MakeSlice(t, len(a), len(a))
		for i, e := range a {
			ev, err := structValue(t.Elem(), e)
			if err != nil {
				return reflect.Value{}, err
			}
			out.Index(i).Set(ev)
		}
		return out, nil
	}
	return toType(t, v)
}

// ---------------------------------------------------------------------------------------------------
// Test functions: requested per case ("funcs") or used as data values ({"$go": "func", ...}).
// tests/gotemplate/testfuncs.py declares the same functions for the Python engine.

var testFuncs = map[string]interface{}{
	"tfUpper": func(s string) string { return strings.ToUpper(s) },
	"tfErr": func(s string) (string, error) {
		if s == "bad" {
			return "", errors.New("bad input")
		}
		return s + "!", nil
	},
	"tfPanic": func() string { panic("kaboom") },
	"tfJoinInts": func(sep string, xs ...int) string {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = strconv.Itoa(x)
		}
		return strings.Join(parts, sep)
	},
	"tfNil":     func() interface{} { return nil },
	"tfInt64":   func(x int64) int64 { return x * 2 },
	"tfFloat":   func(x float64) float64 { return x / 2 },
	"tfStrs":    func(xs []string) string { return strings.Join(xs, "+") },
	"tfStrMap":  func(m map[string]string) int { return len(m) },
	"tfTypeOf":  func(x interface{}) string { return fmt.Sprintf("%T", x) },
	"tfNot":     func(b bool) bool { return !b },
	"tfPair":    func(a, b int) int { return a*10 + b },
	"tfAnyVar":  func(xs ...interface{}) int { return len(xs) },
	"upper":     func(s string) string { return "UP:" + s }, // overrides sprig's upper
	"tfTwoArgs": func(a string, b string) string { return a + "/" + b },
}
