// Command protoschema prints, as JSON, the protobuf descriptors of Istio's MeshConfig and ProxyConfig
// (every message and enum reachable from them), read by reflection from the istio.io/api Go module.
// tests/istio/gen_proto_schema.py turns the JSON into simulator/istio/proto_schema.py.
package main

import (
	"encoding/json"
	"os"
	"sort"

	"google.golang.org/protobuf/reflect/protoreflect"

	meshconfig "istio.io/api/mesh/v1alpha1"
)

type field struct {
	Name     string `json:"name"`
	JSONName string `json:"json"`
	GoName   string `json:"go"`
	Number   int    `json:"number"`
	Kind     string `json:"kind"`
	Type     string `json:"type,omitempty"`
	List     bool   `json:"list,omitempty"`
	MapKey   string `json:"mapKey,omitempty"`
	MapValue *field `json:"mapValue,omitempty"`
	Oneof    string `json:"oneof,omitempty"`
	Optional bool   `json:"optional,omitempty"`
}

type message struct {
	Fields []field  `json:"fields"`
	Oneofs []string `json:"oneofs,omitempty"`
}

type enumValue struct {
	Name   string `json:"name"`
	Number int    `json:"number"`
}

type output struct {
	Messages map[string]message     `json:"messages"`
	Enums    map[string][]enumValue `json:"enums"`
}

var out = output{Messages: map[string]message{}, Enums: map[string][]enumValue{}}

func wellKnown(name protoreflect.FullName) bool {
	return name.Parent() == "google.protobuf"
}

func describeField(fd protoreflect.FieldDescriptor) field {
	f := field{Name: string(fd.Name()), JSONName: fd.JSONName(), Number: int(fd.Number()), Kind: fd.Kind().String()}
	f.GoName = goName(fd)
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		f.Type = string(fd.Message().FullName())
		visitMessage(fd.Message())
	case protoreflect.EnumKind:
		f.Type = string(fd.Enum().FullName())
		visitEnum(fd.Enum())
	}
	if fd.IsMap() {
		f.Kind = "map"
		f.Type = ""
		f.MapKey = fd.MapKey().Kind().String()
		v := describeField(fd.MapValue())
		f.MapValue = &v
	} else if fd.IsList() {
		f.List = true
	}
	if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
		f.Oneof = string(od.Name())
	}
	f.Optional = fd.HasOptionalKeyword()
	return f
}

// goName is protoc-gen-go's CamelCase of the field name.
func goName(fd protoreflect.FieldDescriptor) string {
	return camel(string(fd.Name()))
}

func camel(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && i+1 < len(s) && isLower(s[i+1]):
		case c == '.':
			b = append(b, '_')
		case c == '_' && (i == 0 || s[i-1] == '.'):
			b = append(b, 'X')
		case c == '_' && i+1 < len(s) && isLower(s[i+1]):
		case isDigit(c):
			b = append(b, c)
		default:
			// Every word starts upper case, also one right after a digit (consecutive_5xx_errors ->
			// Consecutive_5XxErrors, as protoc-gen-go names it).
			if isLower(c) {
				c -= 'a' - 'A'
			}
			b = append(b, c)
			for ; i+1 < len(s) && isLower(s[i+1]); i++ {
				b = append(b, s[i+1])
			}
		}
	}
	return string(b)
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func visitEnum(ed protoreflect.EnumDescriptor) {
	name := string(ed.FullName())
	if _, ok := out.Enums[name]; ok {
		return
	}
	vals := []enumValue{}
	for i := 0; i < ed.Values().Len(); i++ {
		v := ed.Values().Get(i)
		vals = append(vals, enumValue{string(v.Name()), int(v.Number())})
	}
	out.Enums[name] = vals
}

func visitMessage(md protoreflect.MessageDescriptor) {
	name := string(md.FullName())
	if _, ok := out.Messages[name]; ok || wellKnown(md.FullName()) || md.IsMapEntry() {
		return
	}
	out.Messages[name] = message{}
	m := message{Fields: []field{}}
	for i := 0; i < md.Oneofs().Len(); i++ {
		od := md.Oneofs().Get(i)
		if !od.IsSynthetic() {
			m.Oneofs = append(m.Oneofs, string(od.Name()))
		}
	}
	for i := 0; i < md.Fields().Len(); i++ {
		m.Fields = append(m.Fields, describeField(md.Fields().Get(i)))
	}
	out.Messages[name] = m
}

func main() {
	visitMessage((&meshconfig.MeshConfig{}).ProtoReflect().Descriptor())
	visitMessage((&meshconfig.ProxyConfig{}).ProtoReflect().Descriptor())
	keys := make([]string, 0, len(out.Messages))
	for k := range out.Messages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
