package deploy

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// rendered is one rendering of the chart, every object decoded into its
// Kubernetes API type.
type rendered struct {
	deployments map[string]*appsv1.Deployment // by component
	services    []*corev1.Service
	secrets     []*corev1.Secret
	ingresses   []*networkingv1.Ingress
	pdbs        []*policyv1.PodDisruptionBudget
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
	notes       string
}

// renderChart renders deploy/helm/albatross with Helm's engine (strict:
// a template that reads a value the chart does not have fails), as release
// "va" in namespace "air", with values over the chart's defaults.
func renderChart(t *testing.T, values map[string]any) (*rendered, error) {
	t.Helper()
	chrt, err := loader.Load(filepath.Join(root(t), "deploy", "helm", "albatross"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chrt.Validate(); err != nil {
		t.Fatal(err)
	}
	vals, err := chartutil.ToRenderValues(chrt, values, chartutil.ReleaseOptions{Name: "va", Namespace: "air", IsInstall: true, Revision: 1}, nil)
	if err != nil {
		return nil, err
	}
	files, err := engine.Engine{Strict: true}.Render(chrt, vals)
	if err != nil {
		return nil, err
	}
	r := &rendered{deployments: map[string]*appsv1.Deployment{}}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasSuffix(name, "NOTES.txt") {
			r.notes = files[name]
			continue
		}
		if strings.HasSuffix(name, ".tpl") {
			continue
		}
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(files[name], -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			if err := r.decode([]byte(doc)); err != nil {
				t.Fatalf("%s, document %d: %v\n%s", name, i, err, doc)
			}
		}
	}
	return r, nil
}

// decode reads one object strictly: a field the API type has not (a typo,
// a wrong indentation) is an error, as the API server would refuse it.
func (r *rendered) decode(doc []byte) error {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	strict := func(obj any) error { return yaml.UnmarshalStrict(doc, obj) }
	switch head.APIVersion + " " + head.Kind {
	case "apps/v1 Deployment":
		d := &appsv1.Deployment{}
		if err := strict(d); err != nil {
			return err
		}
		r.deployments[d.Labels["app.kubernetes.io/component"]] = d
	case "v1 Service":
		s := &corev1.Service{}
		if err := strict(s); err != nil {
			return err
		}
		r.services = append(r.services, s)
	case "v1 Secret":
		s := &corev1.Secret{}
		if err := strict(s); err != nil {
			return err
		}
		r.secrets = append(r.secrets, s)
	case "networking.k8s.io/v1 Ingress":
		i := &networkingv1.Ingress{}
		if err := strict(i); err != nil {
			return err
		}
		r.ingresses = append(r.ingresses, i)
	case "policy/v1 PodDisruptionBudget":
		p := &policyv1.PodDisruptionBudget{}
		if err := strict(p); err != nil {
			return err
		}
		r.pdbs = append(r.pdbs, p)
	case "autoscaling/v2 HorizontalPodAutoscaler":
		h := &autoscalingv2.HorizontalPodAutoscaler{}
		if err := strict(h); err != nil {
			return err
		}
		r.hpas = append(r.hpas, h)
	default:
		return fmt.Errorf("unexpected object %s %s", head.APIVersion, head.Kind)
	}
	return nil
}

func mustRender(t *testing.T, values map[string]any) *rendered {
	t.Helper()
	r, err := renderChart(t, values)
	if err != nil {
		t.Fatalf("the chart does not render: %v", err)
	}
	return r
}

func envOf(c corev1.Container) map[string]corev1.EnvVar {
	m := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		m[e.Name] = e
	}
	return m
}

// checkProcesses checks what every rendering must hold: a web and a
// projector Deployment of `albatross serve`, the projector only in the
// projector processes, probes on /readyz and /healthz, non-root, the
// database and Redis URLs from secretName, and selectors that select.
func checkProcesses(t *testing.T, r *rendered, secretName string) {
	t.Helper()
	if len(r.deployments) != 2 || r.deployments["web"] == nil || r.deployments["projector"] == nil {
		t.Fatalf("deployments %v, want web and projector", r.deployments)
	}
	for component, d := range r.deployments {
		sel, err := metav1LabelSelector(d)
		if err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("%s: the selector does not select its own pods (%v)", component, err)
		}
		spec := d.Spec.Template.Spec
		if len(spec.Containers) != 1 {
			t.Fatalf("%s: %d containers", component, len(spec.Containers))
		}
		c := spec.Containers[0]
		if strings.Join(c.Args, " ") != "serve" {
			t.Errorf("%s runs %v", component, c.Args)
		}
		if p := c.ReadinessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/readyz" {
			t.Errorf("%s: readiness is %+v, want /readyz", component, p)
		}
		if p := c.LivenessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/healthz" {
			t.Errorf("%s: liveness is %+v, want /healthz", component, p)
		}
		env := envOf(c)
		if want := fmt.Sprint(component == "projector"); env["ALBATROSS_PROJECTOR"].Value != want {
			t.Errorf("%s: ALBATROSS_PROJECTOR=%q, want %s", component, env["ALBATROSS_PROJECTOR"].Value, want)
		}
		for _, k := range []string{"DATABASE_URL", "REDIS_URL"} {
			ref := env[k].ValueFrom
			if ref == nil || ref.SecretKeyRef == nil || ref.SecretKeyRef.Name != secretName {
				t.Errorf("%s: %s does not come from the Secret %s: %+v", component, k, secretName, env[k])
			}
		}
		psc := spec.SecurityContext
		if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || c.SecurityContext == nil ||
			c.SecurityContext.AllowPrivilegeEscalation == nil || *c.SecurityContext.AllowPrivilegeEscalation {
			t.Errorf("%s: not locked down to non-root", component)
		}
	}
	if len(r.services) != 1 {
		t.Fatalf("%d services", len(r.services))
	}
	svc := labels.SelectorFromSet(r.services[0].Spec.Selector)
	if !svc.Matches(labels.Set(r.deployments["web"].Spec.Template.Labels)) || svc.Matches(labels.Set(r.deployments["projector"].Spec.Template.Labels)) {
		t.Error("the Service should send requests to the web pods only")
	}
}

func metav1LabelSelector(d *appsv1.Deployment) (labels.Selector, error) {
	if d.Spec.Selector == nil {
		return nil, fmt.Errorf("no selector")
	}
	return labels.SelectorFromSet(d.Spec.Selector.MatchLabels), nil
}

// The default values: two web and two projector processes (two projectors
// are safe: the advisory lock), a Secret with both URLs, an Ingress set up
// for server-sent events, a PodDisruptionBudget each, no autoscaler.
func TestHelmChartDefaultValues(t *testing.T) {
	r := mustRender(t, nil)
	checkProcesses(t, r, "va-albatross")
	if d := r.deployments["web"]; d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("web replicas %v, want 2", d.Spec.Replicas)
	}
	if d := r.deployments["projector"]; d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("projector replicas %v, want 2", d.Spec.Replicas)
	}
	if len(r.secrets) != 1 || r.secrets[0].Name != "va-albatross" {
		t.Fatalf("secrets %v", r.secrets)
	}
	for k, want := range map[string]string{"DATABASE_URL": "postgres://", "REDIS_URL": "redis://"} {
		if v := string(r.secrets[0].Data[k]); !strings.HasPrefix(v, want) {
			t.Errorf("the Secret's %s is %q", k, v)
		}
	}
	if len(r.ingresses) != 1 {
		t.Fatalf("%d ingresses", len(r.ingresses))
	}
	ing := r.ingresses[0]
	for k, want := range map[string]string{
		"nginx.ingress.kubernetes.io/proxy-buffering":    "off",
		"nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
		"nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
	} {
		if ing.Annotations[k] != want {
			t.Errorf("ingress %s is %q, want %q (live pages are SSE)", k, ing.Annotations[k], want)
		}
	}
	if b := ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service; b == nil || b.Name != r.services[0].Name || b.Port.Name != "http" {
		t.Errorf("the ingress sends to %+v, not the Service", b)
	}
	if len(r.pdbs) != 2 {
		t.Errorf("%d PodDisruptionBudgets, want web and projector", len(r.pdbs))
	}
	for _, p := range r.pdbs {
		sel := labels.SelectorFromSet(p.Spec.Selector.MatchLabels)
		c := p.Labels["app.kubernetes.io/component"]
		if d := r.deployments[c]; d == nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("the PodDisruptionBudget %s selects no Deployment's pods", p.Name)
		}
	}
	if len(r.hpas) != 0 {
		t.Error("an autoscaler by default")
	}
	for _, d := range r.deployments {
		if _, ok := envOf(d.Spec.Template.Spec.Containers[0])["ALBATROSS_METRICS_ADDR"]; ok || len(d.Spec.Template.Spec.Containers[0].Ports) != 1 {
			t.Errorf("%s exposes /metrics by default", d.Name)
		}
	}
	if !strings.Contains(r.notes, "http://albatross.example.com/") || !strings.Contains(r.notes, "serve the site over https") {
		t.Errorf("NOTES: %s", r.notes)
	}
}

// An external PostgreSQL and Redis (real URLs with passwords), autoscaling
// web processes, TLS and extra settings.
func TestHelmChartExternalServicesAutoscalingAndTLS(t *testing.T) {
	r := mustRender(t, map[string]any{
		"externalPostgresql": map[string]any{"url": "postgres://va:pw@db.example.net:5432/va?sslmode=require"},
		"externalRedis":      map[string]any{"url": "rediss://:pw@cache.example.net:6380/0"},
		"web":                map[string]any{"autoscaling": map[string]any{"enabled": true, "minReplicas": 3, "maxReplicas": 12}},
		"projector":          map[string]any{"replicas": 3, "podDisruptionBudget": map[string]any{"enabled": false}},
		"ingress": map[string]any{
			"hosts":       []any{map[string]any{"host": "va.example.org"}},
			"tls":         []any{map[string]any{"secretName": "va-tls", "hosts": []any{"va.example.org"}}},
			"annotations": map[string]any{"cert-manager.io/cluster-issuer": "letsencrypt"},
		},
		"config":   map[string]any{"publicUrl": "https://va.example.org"},
		"extraEnv": []any{map[string]any{"name": "ALBATROSS_SMTP_HOST", "value": "smtp.example.org"}},
		"image":    map[string]any{"tag": "v1.2.3"},
		"metrics":  map[string]any{"enabled": true, "port": 9102},
	})
	checkProcesses(t, r, "va-albatross")
	sec := r.secrets[0]
	if got := string(sec.Data["DATABASE_URL"]); got != "postgres://va:pw@db.example.net:5432/va?sslmode=require" {
		t.Errorf("DATABASE_URL in the Secret: %q", got)
	}
	if got := string(sec.Data["REDIS_URL"]); got != "rediss://:pw@cache.example.net:6380/0" {
		t.Errorf("REDIS_URL in the Secret: %q", got)
	}
	for _, d := range r.deployments {
		for _, e := range d.Spec.Template.Spec.Containers[0].Env {
			if strings.Contains(e.Value, "pw@") {
				t.Errorf("%s carries a password in plain env %s", d.Name, e.Name)
			}
		}
		if img := d.Spec.Template.Spec.Containers[0].Image; img != "ghcr.io/albatross-va/albatross:v1.2.3" {
			t.Errorf("image %s", img)
		}
		env := envOf(d.Spec.Template.Spec.Containers[0])
		c := d.Spec.Template.Spec.Containers[0]
		if env["ALBATROSS_METRICS_ADDR"].Value != ":9102" || len(c.Ports) != 2 || c.Ports[1].Name != "metrics" || c.Ports[1].ContainerPort != 9102 ||
			d.Spec.Template.Annotations["prometheus.io/port"] != "9102" {
			t.Errorf("%s: /metrics is not served on its port for Prometheus: %+v %v", d.Name, c.Ports, d.Spec.Template.Annotations)
		}
		if env["ALBATROSS_SMTP_HOST"].Value != "smtp.example.org" || env["ALBATROSS_PUBLIC_URL"].Value != "https://va.example.org" {
			t.Errorf("%s: the extra settings are missing", d.Name)
		}
	}
	if web := r.deployments["web"]; web.Spec.Replicas != nil {
		t.Errorf("web has fixed replicas %d beside its autoscaler", *web.Spec.Replicas)
	}
	if p := r.deployments["projector"]; p.Spec.Replicas == nil || *p.Spec.Replicas != 3 {
		t.Errorf("projector replicas %v", p.Spec.Replicas)
	}
	if len(r.hpas) != 1 {
		t.Fatalf("%d autoscalers", len(r.hpas))
	}
	h := r.hpas[0]
	if h.Spec.ScaleTargetRef.Kind != "Deployment" || h.Spec.ScaleTargetRef.Name != r.deployments["web"].Name ||
		h.Spec.MinReplicas == nil || *h.Spec.MinReplicas != 3 || h.Spec.MaxReplicas != 12 {
		t.Errorf("the autoscaler: %+v", h.Spec)
	}
	if len(r.pdbs) != 1 || r.pdbs[0].Labels["app.kubernetes.io/component"] != "web" {
		t.Errorf("PodDisruptionBudgets %v, want the web one only", len(r.pdbs))
	}
	ing := r.ingresses[0]
	if len(ing.Spec.TLS) != 1 || ing.Spec.TLS[0].SecretName != "va-tls" || ing.Spec.Rules[0].Host != "va.example.org" ||
		ing.Annotations["cert-manager.io/cluster-issuer"] != "letsencrypt" || ing.Annotations["nginx.ingress.kubernetes.io/proxy-buffering"] != "off" {
		t.Errorf("the ingress: %+v %v", ing.Spec, ing.Annotations)
	}
	if !strings.Contains(r.notes, "https://va.example.org/") || strings.Contains(r.notes, "Secure") {
		t.Errorf("NOTES: %s", r.notes)
	}
}

// Credentials kept in a Secret made outside the chart: the chart makes
// none, and the processes read that one, under its keys. No ingress.
func TestHelmChartExistingSecretWithoutIngress(t *testing.T) {
	r := mustRender(t, map[string]any{
		"existingSecret": map[string]any{"name": "va-credentials", "databaseUrlKey": "pg", "redisUrlKey": "redis"},
		"ingress":        map[string]any{"enabled": false},
	})
	checkProcesses(t, r, "va-credentials")
	if len(r.secrets) != 0 || len(r.ingresses) != 0 {
		t.Errorf("%d secrets, %d ingresses, want none", len(r.secrets), len(r.ingresses))
	}
	env := envOf(r.deployments["web"].Spec.Template.Spec.Containers[0])
	if env["DATABASE_URL"].ValueFrom.SecretKeyRef.Key != "pg" || env["REDIS_URL"].ValueFrom.SecretKeyRef.Key != "redis" {
		t.Errorf("the keys of the existing Secret are not used: %+v", env)
	}
	if !strings.Contains(r.notes, "port-forward") {
		t.Errorf("NOTES: %s", r.notes)
	}
}

// Without a database URL (and no existing Secret) the chart refuses to
// render, saying what to set, rather than deploy processes that crash.
func TestHelmChartRefusesAMissingDatabaseURL(t *testing.T) {
	_, err := renderChart(t, map[string]any{"externalPostgresql": map[string]any{"url": ""}})
	if err == nil || !strings.Contains(err.Error(), "externalPostgresql.url is required") {
		t.Errorf("rendered without a database URL: %v", err)
	}
}

// The strict decoding catches a misspelt field: the test's own check.
func TestStrictDecodingRefusesAnUnknownField(t *testing.T) {
	r := &rendered{deployments: map[string]*appsv1.Deployment{}}
	doc := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replcas: 2\n"
	if err := r.decode([]byte(doc)); err == nil {
		t.Error("a misspelt field decoded")
	}
}

// values.schema.json refuses a misspelt or wrong value before anything
// renders, as `helm install --set web.replcas=3` would.
func TestHelmChartRefusesUnknownValues(t *testing.T) {
	for _, bad := range []map[string]any{
		{"web": map[string]any{"replcas": 3}},
		{"externalPostgresql": map[string]any{"url": "mysql://db/va"}},
		{"config": map[string]any{"logLevel": "loud"}},
		{"ingres": map[string]any{"enabled": false}},
	} {
		if _, err := renderChart(t, bad); err == nil || !strings.Contains(err.Error(), "schema") {
			t.Errorf("values %v rendered: %v", bad, err)
		}
	}
}
