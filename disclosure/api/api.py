"""The NinjaAPI of /api/v1/: its operations, errors in Chinese and the docs page.

Every response is kept, carries Last-Modified and an ETag and revalidates with 304
(disclosure.caching); CORS
for reads comes from django-cors-headers (settings, CORS_URLS_REGEX).
"""

from functools import wraps

from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from disclosure.caching.published import etag_only, published

from .views import router


class Renderer(JSONRenderer):
    # UTF-8 as is: Chinese names stay readable in curl and in the .json siblings.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="部门决算与“三公”经费公开数据接口",
    version="1",
    description=(
        "只读、无需登录，只包含已发布决算的现行版本及其已发布的修订历史。"
        "金额一律为十进制字符串：`*_yuan` 精确到分（元），`*_wan` 为万元、四舍五入保留两位小数。"
        "列表按游标分页：`limit`（最多 500）与响应中的 `next`。"
    ),
    urls_namespace="api-v1",
    # The validator badge would call validator.swagger.io: the page loads nothing off-site.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Renderer(),
)
api.add_router("", router)
api.add_decorator(published, mode="view")


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    return api.create_response(
        request, {"detail": "请求参数有误，请对照接口文档检查。", "errors": exc.errors}, status=422
    )


@api.exception_handler(HttpError)
def refused(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return api.create_response(request, {"detail": "没有找到。"}, status=404)


def head_as_get(view):
    """HEAD answers as GET without the body (same status, ETag, Last-Modified, length): clients
    check for changes with it. Ninja routes GET only, and the schema lists GET only."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"
        length = len(response.content)
        response.content = b""
        response["Content-Length"] = str(length)
        return response

    return wrapped


def urls():
    """The API's URLs: HEAD as GET everywhere, and the schema and the docs page revalidating by
    ETag like the data."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name in ("openapi-json", "openapi-view"):
            pattern.callback = etag_only(pattern.callback)
        pattern.callback = head_as_get(pattern.callback)
    return patterns, app_name, namespace
