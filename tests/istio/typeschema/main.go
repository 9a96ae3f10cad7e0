// Command typeschema prints, as JSON, the Go type table of the workload kinds `istioctl kube-inject` decodes
// (Deployment, DaemonSet, ReplicaSet, StatefulSet, Job, CronJob, ReplicationController, List and OpenShift's
// DeploymentConfig), in the format of simulator/pod_schema.py, read by reflection from the real Go types.
// tests/istio/gen_workload_schema.py turns it into simulator/istio/workload_schema.py.
// With the argument "admission" it prints MutatingWebhookConfiguration's table instead, which
// tests/istio/gen_webhook_schema.py turns into simulator/kube/webhook_schema.py.
package main

import (
	"encoding"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"

	openshiftv1 "github.com/openshift/api/apps/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

type fieldInfo struct {
	JSON      string `json:"json"`
	Go        string `json:"go"`
	Type      string `json:"type"`
	OmitEmpty bool   `json:"omitempty"`
	OmitZero  bool   `json:"omitzero"`
	Quoted    bool   `json:"string"`
	Embedded  string `json:"embedded,omitempty"`
}

type typeInfo struct {
	Kind            string      `json:"kind"`
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

// typeID follows simulator/pod_schema.py: "<last two package path elements>.<Name>"; packages outside
// k8s.io get the full path so OpenShift's apps/v1 does not collide with Kubernetes' apps/v1.
func typeID(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name()
		}
		if !strings.HasPrefix(t.PkgPath(), "k8s.io/") {
			return t.PkgPath() + "." + t.Name()
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
	case reflect.Map:
		return "map[" + typeID(t.Key()) + "]" + typeID(t.Elem())
	case reflect.Interface:
		return "interface{}"
	}
	panic("unsupported unnamed type " + t.String())
}

// fields lists encoding/json's fields of a struct; the types reflected here only embed structs without
// JSON names (TypeMeta, ObjectMeta inline), one level deep and without name conflicts.
func fields(t reflect.Type, via []string, out *[]fieldInfo, visit func(reflect.Type) string) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" || (!sf.IsExported() && !sf.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			fields(sf.Type, append(append([]string{}, via...), sf.Name), out, visit)
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fi := fieldInfo{JSON: name, Go: sf.Name, Type: visit(sf.Type), Embedded: strings.Join(via, ".")}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				fi.OmitEmpty = true
			case "omitzero":
				fi.OmitZero = true
			case "string":
				fi.Quoted = true
			}
		}
		*out = append(*out, fi)
	}
}

func main() {
	types := map[string]*typeInfo{}
	var visit func(t reflect.Type) string
	visit = func(t reflect.Type) string {
		id := typeID(t)
		if _, seen := types[id]; seen {
			return id
		}
		info := &typeInfo{
			Kind:            t.Kind().String(),
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
			info.Fields = []fieldInfo{}
			fields(t, nil, &info.Fields, visit)
		}
		return id
	}
	roots := map[string]string{}
	kinds := map[string]any{
		"Deployment": appsv1.Deployment{}, "DaemonSet": appsv1.DaemonSet{}, "ReplicaSet": appsv1.ReplicaSet{},
		"StatefulSet": appsv1.StatefulSet{}, "Job": batchv1.Job{}, "CronJob": batchv1.CronJob{},
		"ReplicationController": corev1.ReplicationController{}, "List": corev1.List{},
		"DeploymentConfig": openshiftv1.DeploymentConfig{}, "Pod": corev1.Pod{},
	}
	if len(os.Args) > 1 && os.Args[1] == "admission" {
		kinds = map[string]any{
			"MutatingWebhookConfiguration": admissionregistrationv1.MutatingWebhookConfiguration{},
		}
	}
	for kind, v := range kinds {
		roots[kind] = visit(reflect.TypeOf(v))
	}
	out, err := json.MarshalIndent(map[string]any{"roots": roots, "types": types}, "", " ")
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(out)
	fmt.Println()
}
