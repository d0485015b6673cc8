from ninja import Router

router = Router(tags=["insights"])

from lantern.insights.api_publication import router as publication_router  # noqa: E402

router.add_router("", publication_router)
