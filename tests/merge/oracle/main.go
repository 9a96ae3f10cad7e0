// Command oracle answers questions about Kubernetes Pod merging with the real Go libraries, so the Python
// simulator (simulator/merge.py, simulator/typed.py, simulator/pod_schema.py) can be compared against them.
//
// Modes (first argument):
//
//	smp        stdin: JSON lines {"original": {...}, "patch": {...}}; stdout: {"result": {...}} or {"error": "..."}.
//	           Both documents are decoded into map[string]interface{} with encoding/json and merged with
//	           strategicpatch.StrategicMergeMapPatchUsingLookupPatchMeta and the corev1.Pod struct schema,
//	           the call Istio's injector makes for every rendered template.
//	overlay    same input; the original is first decoded into corev1.Pod and re-encoded, and the merged map is
//	           decoded into corev1.Pod and encoded again: the whole typed step Istio performs per template.
//	roundtrip  stdin: JSON lines, each a Pod; stdout: the Pod after json.Unmarshal into corev1.Pod and
//	           json.Marshal, as {"result": ...} or {"error": "..."}.
//	schema     no input; prints every Go type reachable from corev1.Pod with its JSON fields and patch tags.
package main

import (
	"bufio"
	"encoding"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	forkedjson "k8s.io/apimachinery/third_party/forked/golang/json"
)

type request struct {
	Original json.RawMessage `json:"original"`
	Patch    json.RawMessage `json:"patch"`
}

type response struct {
	Result json.RawMessage `json:"result,omitempty"`
	Error  *string         `json:"error,omitempty"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: oracle smp|overlay|roundtrip|schema")
		os.Exit(2)
	}
	mode := os.Args[1]
	if mode == "schema" {
		printSchema()
		return
	}
	var handle func(line []byte) ([]byte, error)
	switch mode {
	case "smp":
		handle = handleSMP
	case "overlay":
		handle = handleOverlay
	case "roundtrip":
		handle = handleRoundtrip
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(2)
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for {
		line, err := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			result, herr := safely(handle, line)
			var resp response
			if herr != nil {
				msg := herr.Error()
				resp.Error = &msg
			} else {
				resp.Result = result
			}
			b, merr := json.Marshal(resp)
			if merr != nil {
				panic(merr)
			}
			out.Write(b)
			out.WriteByte('\n')
			out.Flush()
		}
		if err != nil {
			return
		}
	}
}

// safely turns a panic inside the libraries (e.g. comparing two maps) into an error answer.
func safely(handle func([]byte) ([]byte, error), line []byte) (result []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return handle(line)
}

// decodeMap mirrors Istio's patchHandleUnmarshal: nil means {}, anything undecodable is ErrBadJSONDoc.
func decodeMap(raw json.RawMessage) (map[string]interface{}, error) {
	if raw == nil {
		raw = []byte("{}")
	}
	m := map[string]interface{}{}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("invalid JSON document")
	}
	return m, nil
}

func merge(original, patch json.RawMessage) ([]byte, error) {
	schema, err := strategicpatch.NewPatchMetaFromStruct(corev1.Pod{})
	if err != nil {
		return nil, err
	}
	o, err := decodeMap(original)
	if err != nil {
		return nil, err
	}
	p, err := decodeMap(patch)
	if err != nil {
		return nil, err
	}
	result, err := strategicpatch.StrategicMergeMapPatchUsingLookupPatchMeta(o, p, schema)
	if err != nil {
		return nil, err
	}
	return json.Marshal(result)
}

func handleSMP(line []byte) ([]byte, error) {
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return nil, err
	}
	return merge(req.Original, req.Patch)
}

func handleOverlay(line []byte) ([]byte, error) {
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return nil, err
	}
	var target corev1.Pod
	if err := json.Unmarshal(req.Original, &target); err != nil {
		return nil, fmt.Errorf("original: %w", err)
	}
	current, err := json.Marshal(&target)
	if err != nil {
		return nil, err
	}
	patched, err := merge(current, req.Patch)
	if err != nil {
		return nil, fmt.Errorf("strategic merge: %w", err)
	}
	var pod corev1.Pod
	if err := json.Unmarshal(patched, &pod); err != nil {
		return nil, fmt.Errorf("unmarshal patched pod: %w", err)
	}
	return json.Marshal(&pod)
}

func handleRoundtrip(line []byte) ([]byte, error) {
	var pod corev1.Pod
	if err := json.Unmarshal(line, &pod); err != nil {
		return nil, err
	}
	return json.Marshal(&pod)
}

// ---- schema ----

type fieldInfo struct {
	JSON          string `json:"json"`
	Go            string `json:"go"`
	Type          string `json:"type"`
	OmitEmpty     bool   `json:"omitempty"`
	OmitZero      bool   `json:"omitzero"`
	Quoted        bool   `json:"string"`
	Embedded      string `json:"embedded,omitempty"`
	PatchStrategy string `json:"patchStrategy"`
	PatchMergeKey string `json:"patchMergeKey"`
}

type typeInfo struct {
	Kind            string      `json:"kind"`
	Name            string      `json:"name,omitempty"`
	Pkg             string      `json:"pkg,omitempty"`
	Elem            string      `json:"elem,omitempty"`
	Key             string      `json:"key,omitempty"`
	JSONMarshaler   bool        `json:"jsonMarshaler"`
	JSONUnmarshaler bool        `json:"jsonUnmarshaler"`
	TextMarshaler   bool        `json:"textMarshaler"`
	TextUnmarshaler bool        `json:"textUnmarshaler"`
	IsZeroMethod    bool        `json:"isZeroMethod"`
	Fields          []fieldInfo `json:"fields,omitempty"`
}

var (
	jsonMarshalerType   = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	jsonUnmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
	textMarshalerType   = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
	isZeroerType        = reflect.TypeOf((*interface{ IsZero() bool })(nil)).Elem()
)

// typeID names a Go type unambiguously across packages (core/v1 and meta/v1 are both "v1").
func typeID(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name()
		}
		parts := strings.Split(t.PkgPath(), "/")
		if len(parts) >= 2 {
			parts = parts[len(parts)-2:]
		}
		return strings.Join(parts, "/") + "." + t.Name()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + typeID(t.Elem())
	case reflect.Slice:
		return "[]" + typeID(t.Elem())
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), typeID(t.Elem()))
	case reflect.Map:
		return "map[" + typeID(t.Key()) + "]" + typeID(t.Elem())
	case reflect.Interface:
		return "interface{}"
	}
	panic("unsupported unnamed type " + t.String())
}

type jsonField struct {
	name      string
	tagged    bool
	index     []int
	sf        reflect.StructField
	omitEmpty bool
	omitZero  bool
	quoted    bool
	via       []string // Go names of the embedded structs the field is promoted through
}

// jsonFields lists the fields encoding/json uses for a struct, in encoding order, following its rules for
// embedded structs (breadth first, JSON-tagged names dominate, ambiguous names dropped).
func jsonFields(t reflect.Type) []jsonField {
	type queued struct {
		typ   reflect.Type
		index []int
		via   []string
	}
	var fields []jsonField
	next := []queued{{typ: t}}
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count := map[reflect.Type]int{}
		for _, q := range current {
			count[q.typ]++
		}
		for _, q := range current {
			if visited[q.typ] {
				continue
			}
			visited[q.typ] = true
			for i := 0; i < q.typ.NumField(); i++ {
				sf := q.typ.Field(i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if sf.Anonymous {
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(append([]int{}, q.index...), i)
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := jsonField{name: name, tagged: name != "", index: index, sf: sf, via: q.via}
					if name == "" {
						f.name = sf.Name
					}
					for _, o := range strings.Split(opts, ",") {
						switch o {
						case "omitempty":
							f.omitEmpty = true
						case "omitzero":
							f.omitZero = true
						case "string":
							f.quoted = true
						}
					}
					fields = append(fields, f)
					if count[q.typ] > 1 {
						fields = append(fields, f)
					}
					continue
				}
				next = append(next, queued{typ: ft, index: index, via: append(append([]string{}, q.via...), sf.Name)})
			}
		}
	}
	sort.SliceStable(fields, func(i, j int) bool {
		if fields[i].name != fields[j].name {
			return fields[i].name < fields[j].name
		}
		if len(fields[i].index) != len(fields[j].index) {
			return len(fields[i].index) < len(fields[j].index)
		}
		if fields[i].tagged != fields[j].tagged {
			return fields[i].tagged
		}
		return lessIndex(fields[i].index, fields[j].index)
	})
	var out []jsonField
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		group := fields[i:j]
		i = j
		if len(group) == 1 {
			out = append(out, group[0])
			continue
		}
		depth := len(group[0].index)
		var same []jsonField
		for _, f := range group {
			if len(f.index) == depth {
				same = append(same, f)
			}
		}
		if len(same) > 1 && same[0].tagged == same[1].tagged {
			continue
		}
		out = append(out, same[0])
	}
	sort.SliceStable(out, func(i, j int) bool { return lessIndex(out[i].index, out[j].index) })
	return out
}

func lessIndex(a, b []int) bool {
	for k := range a {
		if k >= len(b) {
			return false
		}
		if a[k] != b[k] {
			return a[k] < b[k]
		}
	}
	return len(a) < len(b)
}

func printSchema() {
	types := map[string]*typeInfo{}
	var visit func(t reflect.Type) string
	visit = func(t reflect.Type) string {
		id := typeID(t)
		if _, seen := types[id]; seen {
			return id
		}
		info := &typeInfo{
			Kind:            t.Kind().String(),
			Name:            t.Name(),
			Pkg:             t.PkgPath(),
			JSONMarshaler:   t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType),
			JSONUnmarshaler: reflect.PointerTo(t).Implements(jsonUnmarshalerType),
			TextMarshaler:   t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType),
			TextUnmarshaler: reflect.PointerTo(t).Implements(textUnmarshalerType),
			IsZeroMethod:    t.Implements(isZeroerType) || reflect.PointerTo(t).Implements(isZeroerType),
		}
		types[id] = info
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			info.Elem = visit(t.Elem())
		case reflect.Map:
			info.Key = visit(t.Key())
			info.Elem = visit(t.Elem())
		case reflect.Struct:
			// Types with their own JSON form (Quantity, Time, IntOrString, ...) keep their Go fields too: the
			// strategic merge looks fields up by reflection whatever the JSON form is.
			info.Fields = []fieldInfo{}
			for _, f := range jsonFields(t) {
				fi := fieldInfo{
					JSON:          f.name,
					Go:            f.sf.Name,
					Type:          visit(f.sf.Type),
					OmitEmpty:     f.omitEmpty,
					OmitZero:      f.omitZero,
					Quoted:        f.quoted,
					Embedded:      strings.Join(f.via, "."),
					PatchStrategy: f.sf.Tag.Get("patchStrategy"),
					PatchMergeKey: f.sf.Tag.Get("patchMergeKey"),
				}
				// Cross-check with the field lookup the strategic merge code itself performs.
				ft, strategies, key, err := forkedjson.LookupPatchMetadataForStruct(t, f.name)
				if err != nil || ft != f.sf.Type || strings.Join(strategies, ",") != fi.PatchStrategy || key != fi.PatchMergeKey {
					panic(fmt.Sprintf("field table disagrees with strategicpatch lookup for %s.%s", id, f.name))
				}
				info.Fields = append(info.Fields, fi)
			}
		}
		return id
	}
	root := visit(reflect.TypeOf(corev1.Pod{}))
	out, err := json.MarshalIndent(map[string]interface{}{"root": root, "types": types}, "", " ")
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(out)
	os.Stdout.WriteString("\n")
}
