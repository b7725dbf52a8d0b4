"""The parts of the cafe-ops emulator that change moto's plain API answers (not only CloudFormation):
installed before the server listens (they import few modules). See extension.py and docs/emulator.md."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from moto.kms import models as kms_models

def _generate_key_id(multi_region: bool = False) -> str:
    """Multi-Region key ids are mrk- and 32 hex digits, e.g. mrk-1234abcd12ab34cd56ef1234567890ab
    (https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html); moto puts a dashed uuid."""
    return "mrk-" + uuid.uuid4().hex if multi_region else str(uuid.uuid4())


kms_models.generate_key_id = _generate_key_id


from moto.route53 import models as _route53_models  # noqa: E402

_original_zone_id = _route53_models.create_route53_zone_id


def _zone_id(*args: Any, **kwargs: Any) -> str:
    """Hosted zone ids start with Z, e.g. Z1D633PJN98FT9
    (https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html); moto's may start with a digit."""
    return "Z" + _original_zone_id(*args, **kwargs)[1:]


_route53_models.create_route53_zone_id = _zone_id


# --------------------------------------------------------------------------------------------------
# Lambda Invoke without Docker. moto runs a function's code in a Docker container; its docker-free
# mode (config {"lambda": {"use_docker": false}}) swaps in a separate backend that does not see the
# functions CloudFormation created. Instead, the functions stay where they are and Invoke answers
# without running them: the payload is the canned result queued through moto's
# /moto-api/static/lambda-simple/response API, or a JSON object saying the code was not run.
# (https://docs.getmoto.org/en/latest/docs/services/lambda.html)
# --------------------------------------------------------------------------------------------------

from moto.awslambda import models as lambda_models  # noqa: E402


def _invoke_without_docker(self, event: str | None = None):  # type: ignore[no-untyped-def]
    from moto.awslambda_simple.models import lambda_simple_backends

    queue = lambda_simple_backends[self.account_id][self.region].lambda_simple_results_queue
    if queue:
        return queue.pop(0), False, ""
    result = json.dumps({"emulator": "cafe-ops emulator: the function's code was not run", "function": self.function_name})
    return result, False, f"START RequestId: {uuid.uuid4()}\nEND (not run by the emulator)\n"


if os.environ.get("CAFE_EMULATOR_LAMBDA_DOCKER") != "1":
    lambda_models.LambdaFunction._invoke_lambda = _invoke_without_docker
