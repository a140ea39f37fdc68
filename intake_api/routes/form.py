from fastapi import APIRouter

router = APIRouter(tags=["no-JavaScript form"])
