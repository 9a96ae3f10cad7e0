"""`.ProxyImage` (inject.go ProxyImage/imageURL): hub, image name, tag and image type combined.

The image type comes from the effective proxy config's `image.imageType`, else `values.global.variant`,
and the pod annotation `sidecar.istio.io/proxyImageType` overrides both whenever it is present.  A tag that
already ends in a known type (`-distroless`, `-debug`) has it replaced; type `default` strips it.
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


def proxy_image(values, proxy_config, annotations):
    """ProxyImage(values.asStruct, proxyConfig.Image, annotations)."""
    image_type = values.variant()
    image = proxy_config.get("image") if proxy_config is not None else None
    if image is not None:
        image_type = image.get("image_type", "")
    name = values.proxy_image() or "proxyv2"
    if PROXY_IMAGE_TYPE_ANNOTATION in annotations:
        image_type = annotations[PROXY_IMAGE_TYPE_ANNOTATION]
    return image_url(values.hub(), name, values.tag(), image_type)


def proxy_init_image(values, annotations):
    """ProxyInitImage of newer releases: like ProxyImage but ignoring the proxy config's image type."""
    image_type = values.variant()
    name = values.proxy_init_image() or "proxyv2"
    if PROXY_IMAGE_TYPE_ANNOTATION in annotations:
        image_type = annotations[PROXY_IMAGE_TYPE_ANNOTATION]
    return image_url(values.hub(), name, values.tag(), image_type)
