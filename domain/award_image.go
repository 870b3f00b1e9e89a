package domain

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	_ "image/jpeg" // DecodeConfig knows JPEG
	_ "image/png"  // and PNG
	"io"
	"regexp"
	"strings"
)

// This file holds the award image check: an upload is a PNG, a JPEG or an
// SVG, told by its content (never by its name or the type the browser
// claims), and an SVG is re-written from a whitelist, so that what the
// image route serves can run no script and fetch nothing.

// AwardImageMax is the largest award image, in bytes: a badge, not a
// photograph, and small enough to live in an event.
const AwardImageMax = 256 << 10

// AwardImageSide is the largest width and height of a PNG or JPEG award.
const AwardImageSide = 2048

// The image types an award image may have.
const (
	ImagePNG  = "image/png"
	ImageJPEG = "image/jpeg"
	ImageSVG  = "image/svg+xml"
)

// CheckAwardImage tells an upload's type by its content and returns the
// bytes to keep: a PNG or JPEG as uploaded, an SVG re-written by
// SanitizeSVG. An empty upload is no image (nil, "", nil). Anything else is
// an EInvalid error naming the field "image".
func CheckAwardImage(data []byte) ([]byte, string, error) {
	if len(data) == 0 {
		return nil, "", nil
	}
	bad := func(msg string) ([]byte, string, error) { return nil, "", FieldError(EInvalid, "image", msg) }
	if len(data) > AwardImageMax {
		return bad("The image is larger than 256 KB.")
	}
	kind := ""
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		kind = ImagePNG
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		kind = ImageJPEG
	}
	if kind != "" {
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || "image/"+format != kind {
			return bad("The image could not be read. Upload a PNG, JPEG or SVG file.")
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > AwardImageSide || cfg.Height > AwardImageSide {
			return bad("The image is at most 2048 by 2048 pixels.")
		}
		return data, kind, nil
	}
	clean, err := SanitizeSVG(data)
	if err != nil {
		return bad("Upload a PNG, JPEG or SVG file.")
	}
	return clean, ImageSVG, nil
}

// svgElements are the SVG elements an award image keeps: shapes, text,
// groups, gradients and references within the image. Everything else
// (script, foreignObject, image, a, animate, set, style, …) is dropped
// with all it holds.
var svgElements = map[string]bool{
	"svg": true, "g": true, "defs": true, "symbol": true, "use": true, "title": true, "desc": true,
	"path": true, "rect": true, "circle": true, "ellipse": true, "line": true, "polyline": true, "polygon": true,
	"text": true, "tspan": true, "textPath": true,
	"linearGradient": true, "radialGradient": true, "stop": true, "pattern": true,
	"clipPath": true, "mask": true, "marker": true,
	"filter": true, "feGaussianBlur": true, "feOffset": true, "feBlend": true, "feColorMatrix": true,
	"feMerge": true, "feMergeNode": true, "feFlood": true, "feComposite": true, "feDropShadow": true,
}

// svgAttrName is the shape of an attribute an SVG keeps.
var svgAttrName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_.-]*$`)

// Namespaces an SVG may use.
const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
)

// errNotSVG is any upload SanitizeSVG refuses.
var errNotSVG = errors.New("not an SVG image")

// svgMaxDepth and svgMaxTokens bound the work one upload costs.
const (
	svgMaxDepth  = 64
	svgMaxTokens = 100_000
)

// SanitizeSVG parses data as an SVG document and writes it again from a
// whitelist: only the elements of svgElements (in the SVG namespace), no
// event handler attribute (on…), no reference but to the image itself
// (href="#id", url(#id)), no DOCTYPE, entity, processing instruction or
// comment. The result is well-formed XML whose root is an svg element. A
// document that is not well-formed, has another root, or is too deep is
// refused.
func SanitizeSVG(data []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var out bytes.Buffer
	depth, skip, tokens := 0, 0, 0 // skip: the depth of the dropped subtree we are in, 0 for none
	sawRoot, rootClosed := false, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errNotSVG
		}
		if tokens++; tokens > svgMaxTokens {
			return nil, errNotSVG
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > svgMaxDepth || rootClosed {
				return nil, errNotSVG
			}
			if depth == 1 {
				if t.Name.Local != "svg" || (t.Name.Space != svgNS && t.Name.Space != "") {
					return nil, errNotSVG
				}
				sawRoot = true
			}
			if skip > 0 {
				continue
			}
			if !svgElements[t.Name.Local] || (t.Name.Space != svgNS && t.Name.Space != "") {
				skip = depth
				continue
			}
			out.WriteByte('<')
			out.WriteString(t.Name.Local)
			if depth == 1 {
				out.WriteString(` xmlns="` + svgNS + `" xmlns:xlink="` + xlinkNS + `"`)
			}
			for _, a := range t.Attr {
				name, ok := svgAttr(a)
				if !ok {
					continue
				}
				out.WriteByte(' ')
				out.WriteString(name)
				out.WriteString(`="`)
				xml.EscapeText(&out, []byte(a.Value))
				out.WriteByte('"')
			}
			out.WriteByte('>')
		case xml.EndElement:
			if skip == 0 {
				out.WriteString("</" + t.Name.Local + ">")
			} else if skip == depth {
				skip = 0
			}
			depth--
			if depth == 0 {
				rootClosed = true
			}
		case xml.CharData:
			if depth == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, errNotSVG
				}
				continue
			}
			if skip == 0 {
				xml.EscapeText(&out, t)
			}
		case xml.Directive:
			return nil, errNotSVG // a DOCTYPE may declare entities: none is taken
		case xml.ProcInst, xml.Comment:
			// dropped: the <?xml?> declaration is not needed, a stylesheet
			// instruction would fetch
		}
	}
	if !sawRoot || !rootClosed {
		return nil, errNotSVG
	}
	return out.Bytes(), nil
}

// svgAttr says whether an SVG keeps the attribute, and under which name.
func svgAttr(a xml.Attr) (string, bool) {
	name := a.Name.Local
	switch a.Name.Space {
	case "":
		if name == "xmlns" {
			return "", false // written once, at the root
		}
	case xlinkNS:
		if name != "href" {
			return "", false
		}
		name = "xlink:href"
	default:
		return "", false // xmlns declarations (written once, at the root) and foreign attributes
	}
	if !svgAttrName.MatchString(a.Name.Local) || strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
		return "", false
	}
	v := strings.ToLower(strings.Join(strings.Fields(a.Value), ""))
	if a.Name.Local == "href" {
		return name, strings.HasPrefix(v, "#")
	}
	if strings.Contains(v, "javascript:") || strings.Contains(v, "@import") || strings.Contains(v, "expression(") ||
		strings.Contains(v, `\`) {
		return "", false
	}
	for rest := v; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			break
		}
		rest = strings.TrimLeft(rest[i+4:], `"'`)
		if !strings.HasPrefix(rest, "#") {
			return "", false
		}
	}
	return name, true
}
