{{- define "albatross.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "albatross.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "albatross.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "albatross.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* selector labels of one component: web or projector */}}
{{- define "albatross.selectorLabels" -}}
app.kubernetes.io/name: {{ include "albatross.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "albatross.secretName" -}}
{{- if .Values.existingSecret.name -}}
{{- .Values.existingSecret.name -}}
{{- else -}}
{{- include "albatross.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "albatross.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* One Albatross process: the pod spec of the web and projector Deployments. */}}
{{- define "albatross.podSpec" -}}
{{- $v := index .root.Values .component -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: 30
containers:
  - name: albatross
    image: {{ include "albatross.image" .root | quote }}
    imagePullPolicy: {{ .root.Values.image.pullPolicy }}
    args: ["serve"]
    ports:
      - name: http
        containerPort: 8080
        protocol: TCP
      {{- if .root.Values.metrics.enabled }}
      - name: metrics
        containerPort: {{ .root.Values.metrics.port }}
        protocol: TCP
      {{- end }}
    env:
      - name: ALBATROSS_ADDR
        value: ":8080"
      - name: ALBATROSS_DATA_DIR
        value: /data
      - name: ALBATROSS_PROJECTOR
        value: {{ eq .component "projector" | quote }}
      - name: ALBATROSS_LOG_LEVEL
        value: {{ .root.Values.config.logLevel | quote }}
      - name: ALBATROSS_LOG_FORMAT
        value: {{ .root.Values.config.logFormat | quote }}
      - name: ALBATROSS_SECURE_COOKIES
        value: {{ .root.Values.config.secureCookies | quote }}
      - name: ALBATROSS_SSE_HEARTBEAT
        value: {{ .root.Values.config.sseHeartbeat | quote }}
      {{- if .root.Values.metrics.enabled }}
      - name: ALBATROSS_METRICS_ADDR
        value: {{ printf ":%v" .root.Values.metrics.port | quote }}
      {{- end }}
      {{- with .root.Values.config.trustedProxies }}
      - name: ALBATROSS_TRUSTED_PROXIES
        value: {{ . | quote }}
      {{- end }}
      {{- with .root.Values.config.publicUrl }}
      - name: ALBATROSS_PUBLIC_URL
        value: {{ . | quote }}
      {{- end }}
      - name: DATABASE_URL
        valueFrom:
          secretKeyRef:
            name: {{ include "albatross.secretName" .root }}
            key: {{ .root.Values.existingSecret.databaseUrlKey }}
      - name: REDIS_URL
        valueFrom:
          secretKeyRef:
            name: {{ include "albatross.secretName" .root }}
            key: {{ .root.Values.existingSecret.redisUrlKey }}
      {{- with .root.Values.extraEnv }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    readinessProbe:
      httpGet:
        path: /readyz
        port: http
      periodSeconds: 5
      timeoutSeconds: 3
      failureThreshold: 3
    livenessProbe:
      httpGet:
        path: /healthz
        port: http
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 3
      failureThreshold: 6
    startupProbe:
      httpGet:
        path: /healthz
        port: http
      periodSeconds: 2
      failureThreshold: 90
    securityContext:
      {{- toYaml .root.Values.securityContext | nindent 6 }}
    resources:
      {{- toYaml $v.resources | nindent 6 }}
    volumeMounts:
      - name: data
        mountPath: /data
      - name: tmp
        mountPath: /tmp
volumes:
  - name: data
    emptyDir: {}
  - name: tmp
    emptyDir: {}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
