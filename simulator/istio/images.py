"""`.ProxyImage` (inject.go ProxyImage/imageURL): hub, image name, tag and image type combined.

The image type comes from the effective proxy config's `image.imageType`, else `values.global.variant`,
and the pod annotation `sidecar.istio.io/proxyImageType` overrides both whenever it is present.  Up to 1.30
a proxy config `image` message wins even when its imageType is empty (no type at all); from 1.31 an empty
type falls back to the variant.  A tag that already ends in a known type (`-distroless`, `-debug`) has it
replaced; type `default` strips it.  `.ProxyInitImage` (1.31) is built the same way from
`values.global.proxy_init.image`, never from the proxy config's image type.
"""

PROXY_IMAGE_TYPE_ANNOTATION = "sidecar.istio.io/proxyImageType"
_KNOWN_TYPES = ("distroless", "debug")


def update_image_type(tag, image_type):
    if image_type == "":
        return tag
    for t in _KNOWN_TYPES:
        if tag.endswith("-" + t):
            tag = tag[: -(len(t) + 1)]
            break
    if image_type == "default":
        return tag
    return tag + "-" + image_type


def image_url(hub, name, tag, image_type):
    return hub + "/" + name + ":" + update_image_type(tag, image_type)


def proxy_image(values, proxy_config, annotations, release=None):
    """ProxyImage(values.asStruct, proxyConfig.Image, annotations)."""
    image = proxy_config.get("image") if proxy_config is not None else None
    image_type = image.get("image_type", "") if image is not None else ""
    if image is None or (image_type == "" and release is not None and release.proxy_image_type_falls_back_to_variant):
        image_type = values.variant()
    return _url(values, values.proxy_image() or "proxyv2", image_type, annotations)


def proxy_init_image(values, annotations):
    """ProxyInitImage (1.31): like ProxyImage but never reading the proxy config's image type."""
    return _url(values, values.proxy_init_image() or "proxyv2", values.variant(), annotations)


def _url(values, name, image_type, annotations):
    if PROXY_IMAGE_TYPE_ANNOTATION in annotations:
        image_type = annotations[PROXY_IMAGE_TYPE_ANNOTATION]
    return image_url(values.hub(), name, values.tag(), image_type)
