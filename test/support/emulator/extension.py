"""cafe-ops' extension of moto: what moto lacks on the deploy path. Imported by cafe_moto.py, which
starts moto's own server on 127.0.0.1 (`npm run emulator -- --port N`, docs/emulator.md).

Importing this module patches moto (5.2.x) in place. Each patch emulates one documented AWS behaviour; the AWS page is next to the code. Where
AWS is stricter than moto on something cafe-ops relies on, the patch makes the emulator as strict as
AWS -- never more permissive.

What it adds (docs/emulator.md has the list for users):
  * outputs (and exports, description, parameters) of stacks created through change sets;
  * the Fn::Cidr intrinsic function;
  * placeholder physical ids and Fn::GetAtt values for the resource types moto does not model, and
    for attributes moto does not implement, checked against the CloudFormation resource schemas;
  * per-resource stack events, and a failing resource reported as a *_FAILED event followed by a
    rollback (and, with OnStackFailure=DELETE, the deletion of the new stack) instead of a failed API call;
  * UpdateTerminationProtection, and DeleteStack refused on a protected stack;
  * template validation at CreateChangeSet: YAML aliases refused, undefined Refs and unknown GetAtt
    attributes refused, parameters checked;
  * the Replacement field of Modify changes in DescribeChangeSet;
  * stack updates in CloudFormation's order: new and changed resources after what they reference, removed
    ones last (moto removes first);
  * Lambda Invoke answered without Docker (the function's code is NOT run);
  * AWS::Lambda::Version refused while the function equals its last published version, as in AWS, and its
    Fn::GetAtt Version (the number) and Ref (the version's ARN), which moto lacks;
  * drift detection, for the few properties whose live value the emulator keeps (KMS key rotation, an
    IAM role's session duration); other resources are NOT_CHECKED.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import ipaddress
import json
import os
import re
import string
import sys
import threading
import uuid
from typing import Any

import yaml

import moto  # noqa: F401  (fails early with a clear ImportError when moto is missing)
from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing
from moto.cloudformation import responses as cfn_responses
from moto.cloudformation.exceptions import ValidationError
from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult

MOTO_VERSION_TESTED = "5.2"

# --------------------------------------------------------------------------------------------------
# CloudFormation resource schemas (attributes, update behaviour, ARN templates), from the npm package
# @aws-cdk/aws-service-spec that the project already installs. AWS publishes the same data as the
# CloudFormation resource provider schemas:
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-type-schemas.html
# --------------------------------------------------------------------------------------------------

_SPEC: dict[str, dict[str, Any]] | None = None
_SPEC_LOCK = threading.Lock()


def _find_spec_file() -> str | None:
    explicit = os.environ.get("CAFE_EMULATOR_SERVICE_SPEC")
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    while True:
        candidate = os.path.join(here, "node_modules", "@aws-cdk", "aws-service-spec", "db.json.gz")
        if os.path.exists(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def resource_spec(resource_type: str) -> dict[str, Any] | None:
    """{'attributes': set, 'replacement': {prop: 'yes'|'maybe'}, 'arn': str|None, 'id': [..]} or None."""
    global _SPEC
    with _SPEC_LOCK:
        if _SPEC is None:
            _SPEC = {}
            path = _find_spec_file()
            if path:
                with gzip.open(path) as fh:
                    db = json.load(fh)
                schema = db["schema"]
                types = {t["$id"]: t for t in schema["typeDefinition"]["entities"]}
                for entity in schema["resource"]["entities"]:
                    attributes: set[str] = set()
                    for name, attribute in (entity.get("attributes") or {}).items():
                        attributes.add(name)
                        ref = (attribute.get("type") or {}).get("reference")
                        if ref and ref.get("$ref") in types:
                            for prop in types[ref["$ref"]].get("properties", {}):
                                attributes.add(f"{name}.{prop}")
                    _SPEC[entity["cloudFormationType"]] = {
                        "attributes": attributes,
                        "replacement": {
                            name: prop["causesReplacement"]
                            for name, prop in (entity.get("properties") or {}).items()
                            if prop.get("causesReplacement")
                        },
                        "arn": entity.get("arnTemplate"),
                        "id": entity.get("primaryIdentifier") or [],
                    }
    return _SPEC.get(resource_type)


# --------------------------------------------------------------------------------------------------
# Placeholder resources for the types moto skips.
# Return values per type: each resource's "Return values" section in the template reference,
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html
# --------------------------------------------------------------------------------------------------

# API Gateway's regional hosted zone ids (https://docs.aws.amazon.com/general/latest/gr/apigateway.html)
APIGW_ZONES = {
    "us-east-1": "Z1UJRXOUMOOFQ8", "us-east-2": "ZOJJZC49E0EPZ", "us-west-2": "Z2OJLYMUO9EFXC",
    "eu-west-1": "ZLY8HYME6SFDD", "eu-west-2": "ZJ5UAJN8Y3Z2Q", "eu-central-1": "Z1U9ULNL0V5AJ3",
}
# CloudFront's hosted zone id for alias records
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-route53-recordset-aliastarget.html)
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"


def _token(seed: str, length: int, alphabet: str = string.ascii_lowercase + string.digits) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    out = []
    while len(out) < length:
        for byte in digest:
            out.append(alphabet[byte % len(alphabet)])
        digest = hashlib.sha256(digest).digest()
    return "".join(out[:length])


# Properties that fix a resource's physical name, for the placeholder types.
NAME_PROPERTIES = {
    "AWS::SecretsManager::Secret": ("Name",),
    "AWS::RDS::GlobalCluster": ("GlobalClusterIdentifier",),
    "AWS::RDS::DBCluster": ("DBClusterIdentifier",),
    "AWS::RDS::DBInstance": ("DBInstanceIdentifier",),
    "AWS::RDS::DBClusterParameterGroup": ("DBClusterParameterGroupName",),
    "AWS::DynamoDB::GlobalTable": ("TableName",),
    "AWS::WAFv2::WebACL": ("Name",),
    "AWS::CloudTrail::Trail": ("TrailName",),
    "AWS::CloudWatch::Alarm": ("AlarmName",),
    "AWS::Config::ConfigRule": ("ConfigRuleName",),
    "AWS::Config::ConfigurationRecorder": ("Name",),
    "AWS::Config::DeliveryChannel": ("Name",),
    "AWS::Cognito::UserPoolDomain": ("Domain",),
    "AWS::ApiGateway::DomainName": ("DomainName",),
    "AWS::IAM::OIDCProvider": ("Url",),
    "AWS::IAM::ServiceLinkedRole": ("AWSServiceName",),
}
GLOBAL_TYPES = {"AWS::RDS::GlobalCluster", "AWS::IAM::OIDCProvider", "AWS::IAM::ServiceLinkedRole", "AWS::Cognito::UserPoolDomain"}
_NAMES: dict[tuple[str, ...], str] = {}
_NAMES_LOCK = threading.RLock()


class ResourceAlreadyExists(ServiceException):
    code = "AlreadyExists"

    def __init__(self, resource_type: str, name: str):
        # CloudFormation's wording for registry resources
        # (https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract.html)
        super().__init__(f"Resource of type '{resource_type}' with identifier '{name}' already exists.")


class Placeholder(CloudFormationModel):
    """A resource of a type moto does not model: it exists only in the stack, with plausible ids."""

    # moto's model metaclass files models by the service named in their module path
    __module__ = "moto.cloudformation.cafe_placeholder"
    resource_type = "Cafe::Emulator::Placeholder"

    def __init__(self, logical_id: str, props: dict[str, Any], stack_id: str, account_id: str, region: str):
        self.logical_resource_id = logical_id
        self.cf_resource_type = self.resource_type
        self.props = props or {}
        self.stack_id = stack_id
        self.account_id = account_id
        self.region = region
        stack_name = stack_id.split("/")[1] if "/" in stack_id else stack_id
        self.stack_name = stack_name
        self.seed = f"{stack_id}/{logical_id}/{uuid.uuid4()}"
        self.physical_resource_id = self._ref()

    # --- CloudFormationModel interface ---------------------------------------------------------
    @staticmethod
    def cloudformation_type() -> str:
        return "Cafe::Emulator::Placeholder"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        spec = resource_spec(cls.resource_type)
        return spec is None or attr in spec["attributes"]

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[override]
        props = cloudformation_json.get("Properties", {})
        key = cls._name_key(props, account_id, region_name)
        with _NAMES_LOCK:
            if key is not None and key in _NAMES:
                raise ResourceAlreadyExists(cls.resource_type, key[-1])
            resource = cls(kwargs["LogicalId"], props, kwargs["StackId"], account_id, region_name)
            if key is not None:
                _NAMES[key] = resource.physical_resource_id
                resource.name_key = key
        return resource

    @classmethod
    def _name_key(cls, props: dict[str, Any], account_id: str, region: str) -> tuple[str, ...] | None:
        """A fixed name is unique per account (and region, for regional types): a second resource with the
        same name fails with AlreadyExists, whether the first one lives in a stack or was retained."""
        for prop in NAME_PROPERTIES.get(cls.resource_type, ()):
            value = props.get(prop)
            if isinstance(value, str) and value:
                scope = "global" if cls.resource_type in GLOBAL_TYPES else region
                if cls.resource_type == "AWS::WAFv2::WebACL":
                    scope = f"{scope}/{props.get('Scope', 'REGIONAL')}"
                return (account_id, scope, cls.resource_type, value)
        return None

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[override]
        props = cloudformation_json.get("Properties", {})
        replaced = _replacement(cls.resource_type, original_resource.props, props) == "True"
        original_resource.props = props
        if replaced:
            # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
            original_resource.seed = f"{original_resource.seed}/replaced/{uuid.uuid4()}"
            original_resource.physical_resource_id = original_resource._ref()
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[override]
        return None

    def delete(self, account_id: str, region_name: str) -> None:
        key = getattr(self, "name_key", None)
        if key is not None:
            with _NAMES_LOCK:
                _NAMES.pop(key, None)

    def is_created(self) -> bool:
        return True

    # --- values --------------------------------------------------------------------------------
    def _tok(self, what: str, length: int, alphabet: str = string.ascii_lowercase + string.digits) -> str:
        return _token(f"{self.seed}/{what}", length, alphabet)

    def _name(self, prop: str | None = None, lower: bool = False) -> str:
        if prop and isinstance(self.props.get(prop), str):
            return self.props[prop]
        # CloudFormation's generated names: <stack>-<logical id>-<random>
        # (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html)
        name = f"{self.stack_name}-{self.logical_resource_id}-{self._tok('name', 12, string.ascii_uppercase + string.digits)}"
        return name.lower() if lower else name

    def _arn(self, service: str, resource: str, region: str | None = None, account: str | None = None) -> str:
        region = self.region if region is None else region
        account = self.account_id if account is None else account
        return f"arn:aws:{service}:{region}:{account}:{resource}"

    def _ref(self) -> str:
        t, p = self.resource_type, self.props
        if t == "AWS::KMS::ReplicaKey":
            # A replica shares the primary key's id (mrk-...), in the replica's region.
            # https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
            primary = str(p.get("PrimaryKeyArn", ""))
            return primary.rsplit("/", 1)[-1] if "/" in primary else "mrk-" + self._tok("key", 32, "0123456789abcdef")
        if t == "AWS::SecretsManager::Secret":
            name = self._name("Name")
            return self._arn("secretsmanager", f"secret:{name}-{self._tok('sfx', 6, string.ascii_letters)}")
        if t == "AWS::CertificateManager::Certificate":
            return self._arn("acm", f"certificate/{uuid.UUID(self._tok('cert', 32, '0123456789abcdef'))}")
        if t == "AWS::IAM::OIDCProvider":
            host = re.sub(r"^https://", "", str(p.get("Url", "oidc.example.com")))
            return f"arn:aws:iam::{self.account_id}:oidc-provider/{host}"
        if t == "AWS::IAM::ServiceLinkedRole":
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
            service = str(p.get("AWSServiceName", "service.amazonaws.com")).split(".")[0]
            suffix = f"_{p['CustomSuffix']}" if p.get("CustomSuffix") else ""
            return f"AWSServiceRoleFor{service[:1].upper()}{service[1:]}{suffix}"
        if t == "AWS::Cognito::UserPool":
            return f"{self.region}_{self._tok('pool', 9, string.ascii_letters + string.digits)}"
        if t == "AWS::Cognito::UserPoolClient":
            return self._tok("client", 26)
        if t == "AWS::Cognito::UserPoolDomain":
            return str(p.get("Domain", self._name()))
        if t == "AWS::Cognito::UserPoolGroup":
            return self._name("GroupName")
        if t == "AWS::RDS::DBCluster":
            return self._name("DBClusterIdentifier", lower=True).lower()
        if t == "AWS::RDS::GlobalCluster":
            return self._name("GlobalClusterIdentifier", lower=True).lower()
        if t == "AWS::RDS::DBClusterParameterGroup":
            return self._name("DBClusterParameterGroupName", lower=True).lower()
        if t == "AWS::DynamoDB::GlobalTable":
            return self._name("TableName")
        if t == "AWS::WAFv2::WebACL":
            # Ref: name|id|scope (aws-resource-wafv2-webacl.html#aws-resource-wafv2-webacl-return-values)
            return f"{self._name('Name')}|{self._webacl_id()}|{p.get('Scope', 'REGIONAL')}"
        if t == "AWS::ApiGateway::DomainName":
            return str(p.get("DomainName", self._name()))
        if t == "AWS::ApiGateway::Stage":
            return str(p.get("StageName", self._name()))
        if t == "AWS::ApiGateway::Authorizer":
            return self._tok("authorizer", 6)
        if t == "AWS::CloudFront::Distribution":
            return "E" + self._tok("dist", 13, string.ascii_uppercase + string.digits)
        if t in ("AWS::CloudFront::OriginAccessControl",):
            return "E" + self._tok("oac", 13, string.ascii_uppercase + string.digits)
        if t == "AWS::CloudFront::ResponseHeadersPolicy":
            return str(uuid.UUID(self._tok("rhp", 32, "0123456789abcdef")))
        if t == "AWS::EC2::NetworkAcl":
            return "acl-" + self._tok("acl", 17, "0123456789abcdef")
        if t == "AWS::EC2::SubnetNetworkAclAssociation":
            return "aclassoc-" + self._tok("aclassoc", 17, "0123456789abcdef")
        name_props = {
            "AWS::Budgets::Budget": None,
            "AWS::CloudTrail::Trail": "TrailName",
            "AWS::CloudWatch::Alarm": "AlarmName",
            "AWS::Config::ConfigRule": "ConfigRuleName",
            "AWS::Config::ConfigurationRecorder": "Name",
            "AWS::Config::DeliveryChannel": "Name",
        }
        if t in name_props:
            if t == "AWS::Budgets::Budget":
                budget = p.get("Budget") or {}
                return str(budget.get("BudgetName") or self._name())
            return self._name(name_props[t])
        return self._name()

    def _webacl_id(self) -> str:
        return str(uuid.UUID(self._tok("webacl", 32, "0123456789abcdef")))

    def get_cfn_attribute(self, attr: str) -> Any:
        spec = resource_spec(self.resource_type)
        if spec is not None and attr not in spec["attributes"]:
            raise ValidationError(message=f"Template error: resource {self.logical_resource_id} does not support attribute type {attr} in Fn::GetAtt")
        return synthetic_attribute(self.resource_type, attr, self, self.physical_resource_id)


def synthetic_attribute(resource_type: str, attr: str, res: Any, ref: str) -> Any:
    """A plausible Fn::GetAtt value for a resource moto skips, or an attribute moto does not implement."""
    region = getattr(res, "region", None) or getattr(res, "region_name", None) or "us-east-1"
    account = getattr(res, "account_id", None) or "123456789012"
    props = getattr(res, "props", {}) or {}
    seed = f"{getattr(res, 'seed', ref)}/{attr}"
    tok = lambda n, alphabet=string.ascii_lowercase + string.digits: _token(seed, n, alphabet)  # noqa: E731
    arn = lambda service, resource, reg=region: f"arn:aws:{service}:{reg}:{account}:{resource}"  # noqa: E731
    t = resource_type
    if t in ("AWS::KMS::ReplicaKey", "AWS::KMS::Key"):
        if attr == "Arn":
            return arn("kms", f"key/{ref}")
        if attr == "KeyId":
            return ref
    if t == "AWS::SecretsManager::Secret" and attr == "Id":
        return ref
    if t == "AWS::RDS::DBCluster":
        cluster_hash = _token(f"{account}/{region}", 12)
        if attr == "Endpoint.Address":
            return f"{ref}.cluster-{cluster_hash}.{region}.rds.amazonaws.com"
        if attr == "ReadEndpoint.Address":
            return f"{ref}.cluster-ro-{cluster_hash}.{region}.rds.amazonaws.com"
        if attr == "Endpoint.Port":
            return str(props.get("Port", 5432))
        if attr == "DBClusterArn":
            return arn("rds", f"cluster:{ref}")
        if attr == "DBClusterResourceId":
            return "cluster-" + tok(26, string.ascii_uppercase + string.digits)
        if attr == "MasterUserSecret.SecretArn":
            return arn("secretsmanager", f"secret:rds!cluster-{uuid.uuid4()}-{tok(6, string.ascii_letters)}")
    if t == "AWS::RDS::GlobalCluster" and attr == "GlobalEndpoint.Address":
        # https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-connecting.html
        return f"{ref}.global-{tok(12)}.global.rds.amazonaws.com"
    if t == "AWS::Cognito::UserPool":
        return {
            "Arn": arn("cognito-idp", f"userpool/{ref}"),
            "ProviderName": f"cognito-idp.{region}.amazonaws.com/{ref}",
            "ProviderURL": f"https://cognito-idp.{region}.amazonaws.com/{ref}",
            "UserPoolId": ref,
        }.get(attr)
    if t == "AWS::Cognito::UserPoolClient":
        return {"ClientId": ref, "ClientSecret": tok(52), "Name": props.get("ClientName", ref)}.get(attr)
    if t == "AWS::Cognito::UserPoolDomain" and attr == "CloudFrontDistribution":
        return f"d{tok(13)}.cloudfront.net"
    if t == "AWS::WAFv2::WebACL":
        name, acl_id, scope = (ref.split("|") + ["", "", ""])[:3]
        if attr == "Arn":
            if scope == "CLOUDFRONT":
                return arn("wafv2", f"global/webacl/{name}/{acl_id}", "us-east-1")
            return arn("wafv2", f"regional/webacl/{name}/{acl_id}")
        if attr == "Id":
            return acl_id
        if attr == "Capacity":
            return 100
        if attr == "LabelNamespace":
            return f"awswaf:{account}:webacl:{name}:"
    if t == "AWS::ApiGateway::DomainName":
        return {
            "RegionalDomainName": f"d-{tok(10)}.execute-api.{region}.amazonaws.com",
            "RegionalHostedZoneId": APIGW_ZONES.get(region, "Z1UJRXOUMOOFQ8"),
            "DistributionDomainName": f"d{tok(13)}.cloudfront.net",
            "DistributionHostedZoneId": CLOUDFRONT_ZONE,
            "DomainNameArn": f"arn:aws:apigateway:{region}::/domainnames/{ref}",
        }.get(attr)
    if t == "AWS::CloudFront::Distribution":
        return {"DomainName": f"d{tok(13)}.cloudfront.net", "Id": ref}.get(attr)
    if t == "AWS::CloudTrail::Trail":
        return {"Arn": arn("cloudtrail", f"trail/{ref}"), "SnsTopicArn": arn("sns", f"{ref}-trail")}.get(attr)
    if t == "AWS::CloudWatch::Alarm" and attr == "Arn":
        return arn("cloudwatch", f"alarm:{ref}")
    if t == "AWS::Config::ConfigRule":
        return {"Arn": arn("config", f"config-rule/config-rule-{tok(6)}"), "ConfigRuleId": f"config-rule-{tok(6)}", "Compliance.Type": "COMPLIANT"}.get(attr)
    if t == "AWS::DynamoDB::GlobalTable":
        return {
            "Arn": arn("dynamodb", f"table/{ref}"),
            "StreamArn": arn("dynamodb", f"table/{ref}/stream/2024-01-01T00:00:00.000"),
            "TableId": str(uuid.UUID(tok(32, "0123456789abcdef"))),
        }.get(attr)
    if t == "AWS::IAM::OIDCProvider" and attr == "Arn":
        return ref
    if t == "AWS::IAM::ServiceLinkedRole" and attr == "RoleName":
        return ref
    if t == "AWS::CertificateManager::Certificate" and attr == "Id":
        return ref.rsplit("/", 1)[-1]
    if t == "AWS::EC2::NetworkAcl" and attr == "Id":
        return ref
    if t == "AWS::EC2::SubnetNetworkAclAssociation" and attr == "AssociationId":
        return ref
    # Generic: the ARN template of the resource schema, an id, or a token.
    spec = resource_spec(t)
    if attr in ("Arn",) and spec and spec.get("arn"):
        return re.sub(
            r"\$\{([A-Za-z0-9]+)\}",
            lambda m: {"Partition": "aws", "Region": region, "Account": account}.get(m.group(1), ref),
            spec["arn"],
        )
    if attr.endswith("Id") or attr == "Id":
        return ref
    if attr.endswith("Arn"):
        service = t.split("::")[1].lower()
        return arn(service, f"{t.split('::')[2].lower()}/{ref}")
    return f"{ref}-{attr.replace('.', '-').lower()}"


_PLACEHOLDER_CLASSES: dict[str, type[Placeholder]] = {}
_original_resource_class_from_type = parsing.resource_class_from_type


def resource_class_from_type(resource_type: str):  # type: ignore[no-untyped-def]
    cls = _original_resource_class_from_type(resource_type)
    if cls is not None or resource_type in parsing.NULL_MODELS or not resource_type.startswith("AWS::"):
        return cls
    return placeholder_class(resource_type)


parsing.resource_class_from_type = resource_class_from_type


def placeholder_class(resource_type: str) -> type[Placeholder]:
    if resource_type not in _PLACEHOLDER_CLASSES:
        name = "Placeholder_" + re.sub(r"\W", "_", resource_type)
        _PLACEHOLDER_CLASSES[resource_type] = type(name, (Placeholder,), {"resource_type": resource_type, "__module__": Placeholder.__module__})
    return _PLACEHOLDER_CLASSES[resource_type]


class CloudFrontDistribution(Placeholder):
    """AWS::CloudFront::Distribution, also registered in moto's CloudFront backend so that the calls made
    after a deploy (CreateInvalidation, GetDistribution) find it
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudfront-distribution.html)."""

    __module__ = Placeholder.__module__
    resource_type = "AWS::CloudFront::Distribution"

    def _ref(self) -> str:
        from moto.cloudfront.models import Distribution, cloudfront_backends

        config = self.props.get("DistributionConfig") or {}
        origins = [{"Id": o.get("Id"), "DomainName": o.get("DomainName")} for o in config.get("Origins") or []]
        behaviour = config.get("DefaultCacheBehavior") or {}
        dist = Distribution(self.account_id, "us-east-1", {
            "CallerReference": self.seed,
            "Origins": {"Quantity": str(len(origins)), "Items": origins},
            "DefaultCacheBehavior": {"TargetOriginId": behaviour.get("TargetOriginId"), "ViewerProtocolPolicy": behaviour.get("ViewerProtocolPolicy", "allow-all")},
            "Comment": config.get("Comment", ""),
            "Enabled": str(config.get("Enabled", True)).lower(),
        })
        cloudfront_backends[self.account_id]["aws"].distributions[dist.distribution_id] = dist
        self.distribution = dist
        return dist.distribution_id

    def get_cfn_attribute(self, attr: str) -> Any:
        if attr == "DomainName":
            return self.distribution.domain_name
        return super().get_cfn_attribute(attr)

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.cloudfront.models import cloudfront_backends

        cloudfront_backends[self.account_id]["aws"].distributions.pop(self.physical_resource_id, None)
        super().delete(account_id, region_name)


_PLACEHOLDER_CLASSES["AWS::CloudFront::Distribution"] = CloudFrontDistribution


class LambdaAlias(Placeholder):
    """AWS::Lambda::Alias, which moto models in its Lambda backend but not in CloudFormation: the alias is made
    there too (CreateAlias), so that what names it (a permission, an integration, the state machine) finds the
    function; Ref is the alias ARN, as in AWS. FunctionVersion may be $LATEST. ProvisionedConcurrencyConfig is kept
    as written: the emulator keeps nothing warm.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-alias.html"""

    __module__ = Placeholder.__module__
    resource_type = "AWS::Lambda::Alias"

    def _backend(self) -> Any:
        from moto.awslambda.models import lambda_backends

        return lambda_backends[self.account_id][self.region]

    def _ref(self) -> str:
        name, function, version = self.props.get("Name"), self.props.get("FunctionName"), str(self.props.get("FunctionVersion", "$LATEST"))
        function_name = function.split(":function:")[-1].split(":")[0] if isinstance(function, str) else function
        backend = self._backend()
        try:
            alias = backend.update_alias(name, function_name, version, self.props.get("Description", ""), None)
        except Exception:  # noqa: BLE001 - not there yet: create it
            alias = backend.create_alias(name, function_name, version, self.props.get("Description", ""), None)
        self.function_name = function_name
        return alias.arn

    def get_cfn_attribute(self, attr: str) -> Any:
        if attr == "AliasArn":
            return self.physical_resource_id
        return super().get_cfn_attribute(attr)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[override]
        # A new version (or $LATEST) moves the alias in the Lambda backend as UpdateAlias would.
        resource = super().update_from_cloudformation_json(original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        resource.physical_resource_id = resource._ref()
        return resource

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            self._backend().delete_alias(self.props.get("Name"), self.function_name)
        except Exception:  # noqa: BLE001 - already gone with its function
            pass
        super().delete(account_id, region_name)


_PLACEHOLDER_CLASSES["AWS::Lambda::Alias"] = LambdaAlias


class VersionExists(ServiceException):
    code = "InvalidRequest"


# The configuration a published version keeps: all of the function's, less what names or dates the version.
_NOT_VERSIONED = {"Version", "FunctionArn", "LastModified", "RevisionId", "State", "StateReason", "StateReasonCode",
                  "LastUpdateStatus", "LastUpdateStatusReason", "LastUpdateStatusReasonCode"}


def _versioned_config(fn: Any) -> str:
    config = {k: v for k, v in fn.get_configuration().items() if k not in _NOT_VERSIONED}
    return json.dumps(config, sort_keys=True, default=str)


def _version_from_cloudformation(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
    """AWS::Lambda::Version as strict as AWS: no version while $LATEST equals the last published one. moto's own
    handler returns the last version instead (and counts any update, tags included, as a change). "If $LATEST is
    identical to a previously published version, you won't be able to create a new version"
    (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html); CloudFormation's message as users report
    it: https://github.com/serverless/serverless/issues/6349."""
    from moto.awslambda.models import lambda_backends

    storage = lambda_backends[account_id][region_name]._lambdas
    name = str(cloudformation_json["Properties"]["FunctionName"])
    latest = storage.get_function_by_name_or_arn_forbid_qualifier(name)
    versions = storage._functions.get(latest.function_name, {}).get("versions") or []
    if versions and _versioned_config(versions[-1]) == _versioned_config(latest):
        raise VersionExists(f"A version for this Lambda function exists ( {versions[-1].version} ). Modify the function to create a new version.")
    latest.code_or_config_updated = True
    version = _original_version_create.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    version.function_arn = f"{latest.function_arn}:{version.version}"
    return version


def _version_attribute(self, attr: str) -> Any:  # type: ignore[no-untyped-def]
    # Fn::GetAtt Version is the version number, FunctionArn the function's ARN; Ref is the version's ARN
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html#aws-resource-lambda-version-return-values).
    if attr == "Version":
        return str(self.version)
    if attr == "FunctionArn":
        return self.function_arn.rsplit(":", 1)[0]
    raise NotImplementedError(attr)


def _patch_lambda_version() -> None:
    from moto.awslambda.models import LambdaVersion

    global _original_version_create
    _original_version_create = LambdaVersion.create_from_cloudformation_json
    LambdaVersion.create_from_cloudformation_json = classmethod(_version_from_cloudformation)  # type: ignore[method-assign]
    LambdaVersion.get_cfn_attribute = _version_attribute  # type: ignore[method-assign]
    LambdaVersion.has_cfn_attr = classmethod(lambda cls, attr: attr in ("Version", "FunctionArn"))  # type: ignore[method-assign]
    LambdaVersion.physical_resource_id = property(lambda self: getattr(self, "function_arn", ""))  # type: ignore[method-assign,assignment]


_original_version_create: Any = None
_patch_lambda_version()


def _modelled_by_placeholder(resource_type: str, properties: dict[str, Any]) -> bool:
    # An Aurora cluster member: moto models neither the cluster in CloudFormation nor Aurora engines on
    # an AWS::RDS::DBInstance, so the member is a placeholder like its cluster.
    return resource_type == "AWS::RDS::DBInstance" and "DBClusterIdentifier" in (properties or {})


_original_parse_resource = parsing.parse_resource


def parse_resource(resource_json, resources_map):  # type: ignore[no-untyped-def]
    parsed = _original_parse_resource(resource_json, resources_map)
    if parsed and _modelled_by_placeholder(parsed[2], parsed[1].get("Properties", {})):
        return placeholder_class(parsed[2]), parsed[1], parsed[2]
    return parsed


parsing.parse_resource = parse_resource

# --------------------------------------------------------------------------------------------------
# Corrections to moto's models of supported types, where moto reads a template differently from AWS.
# --------------------------------------------------------------------------------------------------

from moto.kms import models as kms_models  # noqa: E402


def _kms_key_from_cloudformation(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
    """AWS::KMS::Key: Tags are Key/Value (moto expects KMS API's TagKey/TagValue), MultiRegion makes an
    mrk- key, KeyPolicy is a JSON object
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html)."""
    properties = cloudformation_json["Properties"]
    policy = properties.get("KeyPolicy")
    backend = kms_models.kms_backends[account_id][region_name]
    key = backend.create_key(
        policy=policy if isinstance(policy, str) or policy is None else json.dumps(policy),
        key_usage=properties.get("KeyUsage", "ENCRYPT_DECRYPT"),
        key_spec=properties.get("KeySpec", "SYMMETRIC_DEFAULT"),
        description=properties.get("Description"),
        tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in properties.get("Tags", [])],
        multi_region=bool(properties.get("MultiRegion", False)),
    )
    key.key_rotation_status = properties.get("EnableKeyRotation", False)
    key.enabled = properties.get("Enabled", True)
    return key


kms_models.Key.create_from_cloudformation_json = classmethod(_kms_key_from_cloudformation)




def _validate_outputs(self) -> None:  # type: ignore[no-untyped-def]
    """moto's check of the Outputs, with the attribute lists of the resource schemas."""
    for value in (self._template.get("Outputs") or {}).values():
        if "Condition" in value and not self.lazy_condition_map[value["Condition"]]:
            continue
        target = (value.get("Value") or {}).get("Fn::GetAtt") if isinstance(value.get("Value"), dict) else None
        if not target:
            continue
        logical_id = target[0] if isinstance(target, list) else str(target).split(".", 1)[0]
        resource = self._resource_json_map.get(logical_id) or {}
        if "Condition" in resource and not self.lazy_condition_map[resource["Condition"]]:
            raise ValidationError(message=f"Unresolved resource dependencies [{logical_id}] in the Outputs block of the template")


parsing.ResourceMap.validate_outputs = _validate_outputs



def _peering_from_cloudformation(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
    """AWS::EC2::VPCPeeringConnection with PeerRegion/PeerOwnerId peers with a VPC of another region or
    account (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcpeeringconnection.html);
    moto looks the peer VPC up in the requester's region only."""
    from moto.ec2.models import ec2_backends

    properties = cloudformation_json["Properties"]
    backend = ec2_backends[account_id][region_name]
    peer_backend = ec2_backends[str(properties.get("PeerOwnerId") or account_id)][properties.get("PeerRegion") or region_name]
    connection = backend.create_vpc_peering_connection(backend.get_vpc(properties["VpcId"]), peer_backend.get_vpc(properties["PeerVpcId"]))
    return connection


from moto.ec2.models import vpc_peering_connections as _pcx_models  # noqa: E402

_pcx_models.VPCPeeringConnection.create_from_cloudformation_json = classmethod(_peering_from_cloudformation)


def _delete_route_table(resource: Any, account_id: str, region: str) -> None:
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[account_id][region]
    table = backend.route_tables.get(resource.physical_resource_id)
    if table is not None:
        table._associations.clear()
        backend.delete_route_table(table.id)


def _delete_association(resource: Any, account_id: str, region: str) -> None:
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[account_id][region]
    for table in backend.route_tables.values():
        table._associations.pop(resource.physical_resource_id, None)


# Deletions moto's models do not implement (its stack deletion silently leaves them), needed so that a
# rollback or a DeleteStack removes what the stack created, as CloudFormation does.
MOTO_DELETES = {
    "AWS::EC2::RouteTable": _delete_route_table,
    "AWS::EC2::SubnetRouteTableAssociation": _delete_association,
}
_original_delete_resource = parsing.ResourceMap._delete_resource


def _delete_resource(self, parsed_resource, resource_json):  # type: ignore[no-untyped-def]
    fix = MOTO_DELETES.get(resource_json.get("Type", ""))
    if fix is not None and not isinstance(parsed_resource, Placeholder):
        return fix(parsed_resource, self._account_id, self._region_name)
    return _original_delete_resource(self, parsed_resource, resource_json)


parsing.ResourceMap._delete_resource = _delete_resource

def _dependencies(resource_json: dict[str, Any]) -> set[str]:
    """The logical ids a resource waits for: Ref, ${Name} and ${Name.Attr} of Fn::Sub, Fn::GetAtt, DependsOn."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "Ref" and isinstance(value, str):
                    found.add(value)
                elif key == "Fn::GetAtt":
                    target = value.split(".", 1)[0] if isinstance(value, str) else value[0]
                    found.add(str(target))
                elif key == "Fn::Sub":
                    body = value[0] if isinstance(value, list) else value
                    if isinstance(body, str):
                        found.update(n.split(".", 1)[0] for n in _sub_names(body))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(resource_json.get("Properties"))
    depends = resource_json.get("DependsOn") or []
    found.update([depends] if isinstance(depends, str) else depends)
    return found


def resource_map_update(self, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:  # type: ignore[no-untyped-def]
    """A stack update in CloudFormation's order: new and changed resources in dependency order (a resource after the
    new or changed ones it references), then the resources the template no longer has ("CloudFormation usually
    creates the replacement resource first, changes references from other dependent resources to point to the
    replacement resource, and then deletes the old resource",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html;
    removals run in a final pass, UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: https://github.com/architect/deploy/pull/398).
    moto removes first, then adds, then modifies, so a new Lambda Version would be published before its function
    is updated."""
    actions = self.build_resource_diff(template, parameters)
    removed = {name: self._resource_json_map[name] for name in actions["Remove"]}
    self._template = template
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    self._resource_json_map = template["Resources"]

    pending = [*actions["Add"], *actions["Modify"]]
    waits = {name: _dependencies(self._resource_json_map[name]) & set(pending) - {name} for name in pending}
    done: set[str] = set()
    while len(done) < len(pending):
        ready = [name for name in pending if name not in done and waits[name] <= done] or [next(n for n in pending if n not in done)]
        for name in ready:
            if name in actions["Add"]:
                _ = self[name]  # moto creates a resource on first access
            else:
                self._parsed_resources[name] = parsing.parse_and_update_resource(
                    name, self._resource_json_map[name], self, account_id=self._account_id, region_name=self._region_name
                )
            done.add(name)

    last_exception: Exception | None = None
    for _ in range(parsing.MAX_UPDATE_ATTEMPTS):
        for name in list(removed):
            try:
                if name in self._parsed_resources:
                    self._delete_resource(self._parsed_resources[name], removed[name])
            except Exception as error:  # noqa: BLE001 - a dependency still there: the next pass
                last_exception = error
            else:
                removed.pop(name)
        if not removed:
            return
    if last_exception is not None:
        raise last_exception


parsing.ResourceMap.update = resource_map_update

# --------------------------------------------------------------------------------------------------
# Intrinsic functions: Fn::Cidr, and Fn::GetAtt for attributes moto does not implement.
# --------------------------------------------------------------------------------------------------

_original_clean_json = parsing.clean_json


def fn_cidr(ip_block: Any, count: Any, cidr_bits: Any) -> list[str]:
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html

    Returns `count` CIDR blocks of (address length - cidrBits) bits, in order, from ipBlock.
    count: 1..256; the new prefix must not be shorter than ipBlock's."""
    try:
        network = ipaddress.ip_network(str(ip_block), strict=False)
        count, cidr_bits = int(count), int(cidr_bits)
    except ValueError as error:
        raise ValidationError(message=f"Template error: Fn::Cidr: invalid arguments {ip_block!r}, {count!r}, {cidr_bits!r} ({error})")
    if not 1 <= count <= 256:
        raise ValidationError(message=f"Template error: Fn::Cidr: count must be between 1 and 256, got {count}")
    new_prefix = network.max_prefixlen - cidr_bits
    if cidr_bits < 1 or new_prefix < network.prefixlen:
        raise ValidationError(message=f"Template error: Fn::Cidr: cidrBits {cidr_bits} does not fit in {network}")
    available = 2 ** (new_prefix - network.prefixlen)
    if count > available:
        raise ValidationError(message=f"Template error: Fn::Cidr: {network} holds only {available} blocks of /{new_prefix}, {count} requested")
    blocks = []
    for i, subnet in enumerate(network.subnets(new_prefix=new_prefix)):
        if i >= count:
            break
        blocks.append(str(subnet))
    return blocks


def clean_json(resource_json: Any, resources_map: Any) -> Any:
    if isinstance(resource_json, dict):
        if "Fn::Cidr" in resource_json:
            args = [clean_json(a, resources_map) for a in resource_json["Fn::Cidr"]]
            return fn_cidr(*args)
        if "Fn::GetAtt" in resource_json:
            target = resource_json["Fn::GetAtt"]
            if isinstance(target, str):
                target = target.split(".", 1)
            logical_id, attr = target[0], clean_json(target[1], resources_map)
            resource = resources_map.get(logical_id)
            if resource is None:
                raise ValidationError(message=f"Template error: instance of Fn::GetAtt references undefined resource {logical_id}")
            if isinstance(resource, Placeholder):
                return resource.get_cfn_attribute(attr)
            value = None
            try:
                value = resource.get_cfn_attribute(attr)
            except (NotImplementedError, parsing.UnformattedGetAttTemplateException, AttributeError, KeyError):
                value = None
            if value is None:
                resource_type = getattr(resource, "cf_resource_type", "")
                spec = resource_spec(resource_type)
                if spec is not None and attr not in spec["attributes"]:
                    raise ValidationError(message=f"Template error: resource {logical_id} does not support attribute type {attr} in Fn::GetAtt")
                value = synthetic_attribute(resource_type, attr, resource, getattr(resource, "physical_resource_id", logical_id))
            return value
    return _original_clean_json(resource_json, resources_map)


parsing.clean_json = clean_json

# --------------------------------------------------------------------------------------------------
# Per-resource events, and failures reported as events.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html
# --------------------------------------------------------------------------------------------------

_ACTIVE_STACKS: dict[str, Any] = {}
_ACTIVE_LOCK = threading.Lock()


def _resource_event(stack: Any, logical_id: str, resource_type: str, status: str, physical_id: str | None = None, reason: str | None = None) -> None:
    if stack is None:
        return
    stack.events.append(
        cfn_models.Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id or "",
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _error_reason(error: BaseException) -> str:
    message = getattr(error, "message", None) or getattr(error, "description", None) or str(error) or type(error).__name__
    code = getattr(error, "code", None) or type(error).__name__
    # CloudFormation's wording for a resource handler failure, e.g.
    # 'Resource handler returned message: "..." (RequestToken: ..., HandlerErrorCode: AlreadyExists)'
    return f'Resource handler returned message: "{message}" (HandlerErrorCode: {code})'


_original_parse_and_create_resource = parsing.parse_and_create_resource
_original_parse_and_update_resource = parsing.parse_and_update_resource


def parse_and_create_resource(logical_id, resource_json, resources_map, account_id, region_name):  # type: ignore[no-untyped-def]
    condition = resource_json.get("Condition")
    if condition and not resources_map.lazy_condition_map[condition]:
        return None
    stack = _ACTIVE_STACKS.get(resources_map.stack_id)
    resource_type = resource_json.get("Type", "")
    _resource_event(stack, logical_id, resource_type, "CREATE_IN_PROGRESS")
    try:
        resource = _original_parse_and_create_resource(logical_id, resource_json, resources_map, account_id, region_name)
    except Exception as error:
        if not hasattr(error, "cafe_failed_resource"):
            error.cafe_failed_resource = (logical_id, resource_type)  # type: ignore[attr-defined]
            _resource_event(stack, logical_id, resource_type, "CREATE_FAILED", reason=_error_reason(error))
        raise
    if resource is not None:
        resource.cafe_created_by_stack = True
    _resource_event(stack, logical_id, resource_type, "CREATE_COMPLETE", getattr(resource, "physical_resource_id", None) if resource is not None else None)
    return resource


def parse_and_update_resource(logical_id, resource_json, resources_map, account_id, region_name):  # type: ignore[no-untyped-def]
    original = resources_map._parsed_resources.get(logical_id)
    try:
        resource = _original_parse_and_update_resource(logical_id, resource_json, resources_map, account_id, region_name)
    except Exception as error:
        if not hasattr(error, "cafe_failed_resource"):
            error.cafe_failed_resource = (logical_id, resource_json.get("Type", ""))  # type: ignore[attr-defined]
        raise
    if resource is None:
        # moto cannot update this type: the resource stays as it is (its new properties are not applied).
        resource = original
    stack = _ACTIVE_STACKS.get(resources_map.stack_id)
    _resource_event(stack, logical_id, resource_json.get("Type", ""), "UPDATE_IN_PROGRESS", getattr(resource, "physical_resource_id", None))
    _resource_event(stack, logical_id, resource_json.get("Type", ""), "UPDATE_COMPLETE", getattr(resource, "physical_resource_id", None))
    return resource


parsing.parse_and_create_resource = parse_and_create_resource
parsing.parse_and_update_resource = parse_and_update_resource

# --------------------------------------------------------------------------------------------------
# Template validation at CreateChangeSet, as CloudFormation validates before any resource is touched.
# --------------------------------------------------------------------------------------------------


def refuse_yaml_aliases(template_body: str | None) -> None:
    """CloudFormation refuses YAML anchors/aliases: "Template error: YAML aliases are not allowed in
    CloudFormation templates" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html;
    the error text as reported in https://github.com/seeebiii/aws-cloudformation-templates/issues/1)."""
    if not template_body or template_body.lstrip().startswith("{"):
        return
    try:
        for event in yaml.parse(template_body, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ValidationError(message="Template error: YAML aliases are not allowed in CloudFormation templates")
    except yaml.YAMLError:
        return  # moto's own parser reports malformed templates


PSEUDO_PARAMETERS = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
}


def _sub_names(template: str) -> list[str]:
    return [m for m in re.findall(r"\$\{([^!}][^}]*)\}", template)]


def validate_template(template: dict[str, Any]) -> None:
    """Refs and GetAtts that CloudFormation refuses at CreateChangeSet
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html)."""
    resources = template.get("Resources") or {}
    parameters = template.get("Parameters") or {}
    known = set(resources) | set(parameters) | PSEUDO_PARAMETERS
    unresolved: set[str] = set()

    def check_getatt(logical_id: str, attr: Any) -> None:
        if logical_id not in resources:
            raise ValidationError(message=f"Template error: instance of Fn::GetAtt references undefined resource {logical_id}")
        if not isinstance(attr, str):
            return
        spec = resource_spec(resources[logical_id].get("Type", ""))
        if spec is not None and spec["attributes"] and attr not in spec["attributes"]:
            raise ValidationError(message=f"Template error: resource {logical_id} does not support attribute type {attr} in Fn::GetAtt")

    def walk(node: Any, sub_vars: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        if isinstance(node, dict):
            if "Ref" in node and isinstance(node["Ref"], str) and node["Ref"] not in known:
                unresolved.add(node["Ref"])
            if "Fn::GetAtt" in node:
                target = node["Fn::GetAtt"]
                if isinstance(target, str):
                    target = target.split(".", 1)
                if isinstance(target, list) and len(target) == 2 and isinstance(target[0], str):
                    check_getatt(target[0], target[1])
            if "Fn::Sub" in node:
                value = node["Fn::Sub"]
                body, variables = (value[0], value[1]) if isinstance(value, list) and len(value) == 2 else (value, {})
                if isinstance(body, str):
                    for name in _sub_names(body):
                        if name in (variables or {}):
                            continue
                        if "." in name:
                            logical_id, attr = name.split(".", 1)
                            check_getatt(logical_id, attr)
                        elif name not in known:
                            unresolved.add(name)
                walk(variables)
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(resources)
    walk(template.get("Outputs") or {})
    if unresolved:
        raise ValidationError(message=f"Template format error: Unresolved resource dependencies [{', '.join(sorted(unresolved))}] in the Resources block of the template")


def validate_parameters(template: dict[str, Any], values: dict[str, Any]) -> None:
    """Parameter constraints checked by CloudFormation at CreateChangeSet
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html)."""
    declared = template.get("Parameters") or {}
    for key in values:
        if key not in declared:
            raise ValidationError(message=f"Parameters: [{key}] do not exist in the template")
    missing = [k for k, p in declared.items() if k not in values and "Default" not in p]
    if missing:
        raise ValidationError(message=f"Parameters: [{', '.join(missing)}] must have values")
    for key, spec in declared.items():
        value = values.get(key, spec.get("Default"))
        if value is None:
            continue
        value = str(value)
        ptype = spec.get("Type", "String")
        items = [v.strip() for v in value.split(",")] if ptype.startswith("List") or ptype == "CommaDelimitedList" else [value]
        why = spec.get("ConstraintDescription")
        for item in items:
            allowed = spec.get("AllowedValues")
            if allowed is not None and item not in [str(a) for a in allowed]:
                raise ValidationError(message=f"Parameter '{key}' must be one of AllowedValues")
            pattern = spec.get("AllowedPattern")
            if pattern is not None and not re.fullmatch(str(pattern), item):
                raise ValidationError(message=f"Parameter {key} failed to satisfy constraint: {why or 'Malformed input-Parameter ' + key + ' must match pattern ' + str(pattern)}")
            if "MinLength" in spec and len(item) < int(spec["MinLength"]) or "MaxLength" in spec and len(item) > int(spec["MaxLength"]):
                raise ValidationError(message=f"Parameter {key} failed to satisfy constraint: {why or 'length out of range'}")
            if ptype in ("Number", "List<Number>"):
                try:
                    number = float(item)
                except ValueError:
                    raise ValidationError(message=f"Parameter '{key}' must be a number.")
                if "MinValue" in spec and number < float(spec["MinValue"]) or "MaxValue" in spec and number > float(spec["MaxValue"]):
                    raise ValidationError(message=f"Parameter {key} failed to satisfy constraint: {why or 'value out of range'}")


# --------------------------------------------------------------------------------------------------
# Change sets: diff with parameters, Replacement, outputs after execution, failures, rollback.
# --------------------------------------------------------------------------------------------------


def _references(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::Sub":
                body = value[0] if isinstance(value, list) else value
                if isinstance(body, str):
                    found.update(n for n in _sub_names(body) if "." not in n)
                found |= _references(value)
            else:
                found |= _references(value)
    elif isinstance(node, list):
        for value in node:
            found |= _references(value)
    return found


def _replacement(resource_type: str, old_props: dict[str, Any] | None, new_props: dict[str, Any] | None, changed_params: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """ResourceChange.Replacement: the most impactful of the changed properties' update behaviours
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html)."""
    spec = resource_spec(resource_type)
    behaviours = spec["replacement"] if spec else {}
    old_props, new_props = old_props or {}, new_props or {}
    changed = {k for k in set(old_props) | set(new_props) if old_props.get(k) != new_props.get(k)}
    changed |= {k for k, v in new_props.items() if _references(v) & changed_params}
    impact = {behaviours.get(k) for k in changed}
    if "yes" in impact:
        return "True"
    if "maybe" in impact:
        return "Conditional"
    return "False"


def change_set_diff(self):  # type: ignore[no-untyped-def]
    rm = self.stack.resource_map
    old = rm._resource_json_map if self.change_set_type == "UPDATE" else {}
    new = (self.template_dict or {}).get("Resources") or {}
    old_params = rm.input_parameters if self.change_set_type == "UPDATE" else {}
    changed_params = {p for p in set(self.parameters) | set(old_params) if old_params.get(p) != self.parameters.get(p)}
    changes = []
    for name, resource in new.items():
        if name not in old:
            changes.append(cfn_models.Change("Add", name, resource.get("Type")))
        elif resource != old[name] or (_references(resource) & changed_params):
            change = cfn_models.Change("Modify", name, resource.get("Type"))
            change.replacement = _replacement(resource.get("Type", ""), old[name].get("Properties"), resource.get("Properties"), changed_params)
            existing = rm._parsed_resources.get(name)
            change.physical_resource_id = getattr(existing, "physical_resource_id", None)
            change.scope = ["Properties"]
            changes.append(change)
    for name, resource in old.items():
        if name not in new:
            change = cfn_models.Change("Remove", name, resource.get("Type"))
            change.physical_resource_id = getattr(rm._parsed_resources.get(name), "physical_resource_id", None)
            changes.append(change)
    return changes


cfn_models.ChangeSet.diff = change_set_diff


def _rollback_created(stack: Any, retain_except_on_create: bool) -> bool:
    """Deletes what a failed create made, newest first, honouring DeletionPolicy
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
    Returns False when a deletion failed."""
    rm = stack.resource_map
    ok = True
    created = [(k, v) for k, v in rm._parsed_resources.items() if isinstance(v, CloudFormationModel) or hasattr(v, "physical_resource_id")]
    for logical_id, resource in reversed(created):
        if not getattr(resource, "cafe_created_by_stack", False):
            continue
        resource_json = rm._resource_json_map.get(logical_id, {})
        resource_type = resource_json.get("Type", "")
        policy = resource_json.get("DeletionPolicy", "Delete")
        physical = getattr(resource, "physical_resource_id", None)
        # Retain keeps the resource on a create rollback, unless ExecuteChangeSet's RetainExceptOnCreate;
        # RetainExceptOnCreate deletes it (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html)
        if policy == "Retain" and not retain_except_on_create:
            _resource_event(stack, logical_id, resource_type, "DELETE_SKIPPED", physical)
            continue
        _resource_event(stack, logical_id, resource_type, "DELETE_IN_PROGRESS", physical)
        try:
            rm._delete_resource(resource, resource_json)
            rm._parsed_resources.pop(logical_id, None)
            _resource_event(stack, logical_id, resource_type, "DELETE_COMPLETE", physical)
        except Exception as error:  # noqa: BLE001 - reported as an event, as CloudFormation does
            ok = False
            _resource_event(stack, logical_id, resource_type, "DELETE_FAILED", physical, _error_reason(error))
    return ok


def execute_change_set(self, change_set_name: str, stack_name: str | None = None) -> None:  # type: ignore[no-untyped-def]
    change_set = self.change_sets.get(change_set_name)
    if change_set is None:
        for candidate in self.change_sets.values():
            if candidate.change_set_name == change_set_name and (stack_name is None or stack_name in (candidate.stack_name, candidate.stack_id)):
                change_set = candidate
    if change_set is None:
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html
        raise ChangeSetNotFound(change_set_name)
    if change_set.execution_status != "AVAILABLE":
        raise InvalidChangeSetStatus(f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current execution status of [{change_set.execution_status}]")
    stack = self.stacks[change_set.stack_id]
    options = getattr(change_set, "cafe_options", {})
    with _ACTIVE_LOCK:
        _ACTIVE_STACKS[stack.stack_id] = stack
    try:
        if change_set.change_set_type == "CREATE":
            ok = _execute_create(self, stack, change_set, options)
        else:
            ok = _execute_update(self, stack, change_set)
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE_STACKS.pop(stack.stack_id, None)
    change_set.execution_status = "EXECUTE_COMPLETE" if ok else "EXECUTE_FAILED"
    # "When you execute a change set, CloudFormation deletes all other change sets associated with the stack"
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html)
    for cs_id in [k for k, cs in self.change_sets.items() if cs.stack_id == stack.stack_id and cs is not change_set]:
        del self.change_sets[cs_id]


def _publish_outputs(backend: Any, stack: Any) -> None:
    stack.output_map = stack._create_output_map()
    _ = stack.outputs  # evaluates every output now: a failing one fails the operation
    for name in [n for n, e in backend.exports.items() if e.exporting_stack_id == stack.stack_id]:
        backend.exports.pop(name)
    backend._validate_export_uniqueness(stack)
    for export in stack.exports:
        backend.exports[export.name] = export


def _execute_create(backend: Any, stack: Any, change_set: Any, options: dict[str, Any]) -> bool:
    stack.template = change_set.template
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.parameters = change_set.parameters
    if change_set.tags:
        stack.tags = change_set.tags
    stack.status = "CREATE_IN_PROGRESS"
    stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")
    try:
        stack.resource_map = stack._create_resource_map()
        stack.resource_map.create(stack.template_dict)
        _publish_outputs(backend, stack)
    except Exception as error:  # noqa: BLE001 - the failure becomes events and a rolled-back stack
        failed = getattr(error, "cafe_failed_resource", None)
        if failed is None:
            stack._add_stack_event("CREATE_FAILED", resource_status_reason=_error_reason(error))
        on_failure = options.get("OnStackFailure") or ("DO_NOTHING" if options.get("DisableRollback") else "ROLLBACK")
        if on_failure == "DO_NOTHING":
            stack.status = "CREATE_FAILED"
            stack._add_stack_event("CREATE_FAILED", resource_status_reason=f"The following resource(s) failed to create: [{failed[0] if failed else stack.name}]. ")
            return False
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html
        reason = f"The following resource(s) failed to create: [{failed[0]}]. Rollback requested by user." if failed else "Rollback requested by user."
        stack.status = "ROLLBACK_IN_PROGRESS"
        stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=reason)
        rolled_back = _rollback_created(stack, bool(options.get("RetainExceptOnCreate")))
        stack.status = "ROLLBACK_COMPLETE" if rolled_back else "ROLLBACK_FAILED"
        stack._add_stack_event(stack.status)
        stack.output_map = cfn_models.OutputMap(stack.resource_map, {}, stack.stack_id)
        if rolled_back and on_failure == "DELETE":
            # OnStackFailure=DELETE: the failed new stack is deleted; DescribeStacks by name then fails,
            # by stack id it answers DELETE_COMPLETE
            # (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html)
            stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="Deletion of the stack requested by OnStackFailure=DELETE")
            stack._add_stack_event("DELETE_COMPLETE")
            stack.status = "DELETE_COMPLETE"
            backend.stacks.pop(stack.stack_id, None)
            backend.deleted_stacks[stack.stack_id] = stack
        return False
    stack.mark_creation_complete()
    return True


def _execute_update(backend: Any, stack: Any, change_set: Any) -> bool:
    old_template, old_parameters = stack.template, dict(stack.parameters)
    stack.status = "UPDATE_IN_PROGRESS"
    stack._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")
    try:
        stack.template = change_set.template
        stack._parse_template()
        stack.resource_map.update(stack.template_dict, change_set.parameters)
        stack.parameters = change_set.parameters
        _publish_outputs(backend, stack)
    except Exception as error:  # noqa: BLE001
        failed = getattr(error, "cafe_failed_resource", None)
        if failed:
            _resource_event(stack, failed[0], failed[1], "UPDATE_FAILED", reason=_error_reason(error))
        else:
            stack._add_stack_event("UPDATE_FAILED", resource_status_reason=_error_reason(error))
        reason = f"The following resource(s) failed to update: [{failed[0]}]. " if failed else _error_reason(error)
        stack.status = "UPDATE_ROLLBACK_IN_PROGRESS"
        stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=reason)
        stack.template, stack.parameters = old_template, old_parameters
        stack._parse_template()
        try:
            stack.resource_map.update(stack.template_dict, old_parameters)
            _publish_outputs(backend, stack)
            stack.status = "UPDATE_ROLLBACK_COMPLETE"
        except Exception as rollback_error:  # noqa: BLE001
            stack._add_stack_event("UPDATE_ROLLBACK_FAILED", resource_status_reason=_error_reason(rollback_error))
            stack.status = "UPDATE_ROLLBACK_FAILED"
            return False
        stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
        return False
    stack.description = stack.template_dict.get("Description")
    if change_set.tags:
        stack.tags = change_set.tags
    stack._add_stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    stack._add_stack_event("UPDATE_COMPLETE")
    stack.status = "UPDATE_COMPLETE"
    return True


class ChangeSetNotFound(ServiceException):
    code = "ChangeSetNotFound"

    def __init__(self, name: str):
        super().__init__(f"ChangeSet [{name}] does not exist")


class InvalidChangeSetStatus(ServiceException):
    code = "InvalidChangeSetStatus"


class AlreadyExists(ServiceException):
    code = "AlreadyExistsException"


cfn_models.CloudFormationBackend.execute_change_set = execute_change_set

_original_create_change_set_backend = cfn_models.CloudFormationBackend.create_change_set


def create_change_set_backend(self, stack_name, change_set_name, template, parameters, description, change_set_type, notification_arns=None, tags=None, role_arn=None):  # type: ignore[no-untyped-def]
    existing = [s for s in self.stacks.values() if s.name == stack_name]
    if change_set_type == "CREATE" and existing:
        if existing[0].status != "REVIEW_IN_PROGRESS":
            # https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html (AlreadyExists)
            raise AlreadyExists(f"Stack [{stack_name}] already exists")
        # a stack still in review gets another CREATE change set; moto would make a second stack
        self.stacks.pop(existing[0].stack_id)
    if change_set_type == "UPDATE" and existing and existing[0].status in ("REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_FAILED"):
        raise ValidationError(message=f"Stack:{existing[0].stack_id} is in {existing[0].status} state and can not be updated.")
    return _original_create_change_set_backend(self, stack_name, change_set_name, template, parameters, description, change_set_type, notification_arns, tags, role_arn)


cfn_models.CloudFormationBackend.create_change_set = create_change_set_backend

# --------------------------------------------------------------------------------------------------
# Termination protection.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html
# --------------------------------------------------------------------------------------------------

_original_delete_stack = cfn_models.CloudFormationBackend.delete_stack


def delete_stack(self, name_or_stack_id: str) -> None:  # type: ignore[no-untyped-def]
    for stack in self.stacks.values():
        if name_or_stack_id in (stack.name, stack.stack_id) and stack.enable_termination_protection:
            # the error CloudFormation answers (e.g. https://github.com/ekristen/aws-nuke/issues/821)
            raise ValidationError(message=f"Stack [{name_or_stack_id}] cannot be deleted while TerminationProtection is enabled")
    _original_delete_stack(self, name_or_stack_id)


cfn_models.CloudFormationBackend.delete_stack = delete_stack


def update_termination_protection(self):  # type: ignore[no-untyped-def]
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    if stack.status in ("DELETE_IN_PROGRESS", "DELETE_COMPLETE"):
        raise ValidationError(stack.stack_id)
    stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection", False)
    return ActionResult({"StackId": stack.stack_id})


cfn_responses.CloudFormationResponse.update_termination_protection = update_termination_protection

# --------------------------------------------------------------------------------------------------
# Request-level checks: YAML aliases, template and parameters at CreateChangeSet; options kept.
# --------------------------------------------------------------------------------------------------

_original_create_change_set = cfn_responses.CloudFormationResponse.create_change_set
_original_create_stack = cfn_responses.CloudFormationResponse.create_stack
_original_update_stack = cfn_responses.CloudFormationResponse.update_stack
_original_execute_change_set = cfn_responses.CloudFormationResponse.execute_change_set


def _template_body(self) -> str | None:  # type: ignore[no-untyped-def]
    body = self._get_param("TemplateBody")
    url = self._get_param("TemplateURL")
    if not body and url:
        body = self._get_stack_from_s3_url(url)
    return body


def _parsed(body: str) -> dict[str, Any]:
    return cfn_models.Stack.parse_template(body) or {}


def create_change_set(self):  # type: ignore[no-untyped-def]
    body = _template_body(self)
    if body:
        refuse_yaml_aliases(body)
        template = _parsed(body)
        validate_template(template)
        parameters = {p["ParameterKey"]: p.get("ParameterValue") for p in self._get_param("Parameters", []) if not p.get("UsePreviousValue")}
        for p in self._get_param("Parameters", []):
            if p.get("UsePreviousValue"):
                parameters[p["ParameterKey"]] = "previous"
        validate_parameters(template, parameters)
    result = _original_create_change_set(self)
    change_set = self.cloudformation_backend.change_sets[result.result["Id"]] if hasattr(result, "result") else None
    if change_set is None:
        change_set = list(self.cloudformation_backend.change_sets.values())[-1]
    change_set.cafe_options = {"OnStackFailure": self._get_param("OnStackFailure")}
    return result


def execute_change_set_response(self):  # type: ignore[no-untyped-def]
    name = self._get_param("ChangeSetName")
    backend = self.cloudformation_backend
    for cs in backend.change_sets.values():
        if name in (cs.change_set_id, cs.change_set_name):
            options = getattr(cs, "cafe_options", {})
            if self._get_param("DisableRollback") is not None:
                options["DisableRollback"] = self._get_bool_param("DisableRollback", False)
            if self._get_param("RetainExceptOnCreate") is not None:
                options["RetainExceptOnCreate"] = self._get_bool_param("RetainExceptOnCreate", False)
            cs.cafe_options = options
    return _original_execute_change_set(self)


def create_stack(self):  # type: ignore[no-untyped-def]
    refuse_yaml_aliases(_template_body(self))
    return _original_create_stack(self)


def update_stack(self):  # type: ignore[no-untyped-def]
    refuse_yaml_aliases(_template_body(self))
    return _original_update_stack(self)


cfn_responses.CloudFormationResponse.create_change_set = create_change_set

from moto.cloudformation import utils as cfn_utils  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

_original_get_stack_from_s3_url = cfn_utils.get_stack_from_s3_url


def get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
    """A TemplateURL is an S3 object URL (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html);
    on the emulator the S3 endpoint is the emulator itself, so a path-style URL on 127.0.0.1 names bucket/key."""
    parts = urlparse(template_url)
    if parts.hostname in ("127.0.0.1", "localhost"):
        from moto.s3.models import s3_backends

        bucket, key = parts.path.lstrip("/").split("/", 1)
        return s3_backends[account_id][partition].get_object(bucket, key).value.decode("utf-8")  # type: ignore[union-attr]
    return _original_get_stack_from_s3_url(template_url, account_id, partition)


cfn_utils.get_stack_from_s3_url = get_stack_from_s3_url
cfn_responses.get_stack_from_s3_url = get_stack_from_s3_url
cfn_models.get_stack_from_s3_url = get_stack_from_s3_url
cfn_responses.CloudFormationResponse.execute_change_set = execute_change_set_response
cfn_responses.CloudFormationResponse.create_stack = create_stack
cfn_responses.CloudFormationResponse.update_stack = update_stack



# --------------------------------------------------------------------------------------------------
# Drift detection. moto has none: DetectStackDrift, DescribeStackDriftDetectionStatus and
# DescribeStackResourceDrifts are answered here, and DescribeStacks carries the stack's DriftInformation.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html
# A property is compared only where the emulator keeps the live value (the list below) and the template
# gives a literal; every other resource is NOT_CHECKED, as AWS reports resources it cannot check
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import-supported-resources.html).
# Detection completes at once (on AWS it takes seconds to minutes, polled through the status call).
# --------------------------------------------------------------------------------------------------

# (resource type, property path, how to read the live value from moto's model object)
_DRIFT_PROPERTIES: dict[str, list[tuple[str, Any]]] = {
    "AWS::KMS::Key": [("EnableKeyRotation", lambda key: bool(key.key_rotation_status))],
    "AWS::IAM::Role": [("MaxSessionDuration", lambda role: int(role.max_session_duration))],
}
_DETECTIONS: dict[str, dict[str, Any]] = {}


def _resource_drift(stack: Any, logical_id: str, resource_json: dict[str, Any], now: Any) -> dict[str, Any]:
    rtype = resource_json.get("Type", "")
    live = stack.resource_map._parsed_resources.get(logical_id)
    physical = getattr(live, "physical_resource_id", None) if live is not None else None
    base = {"StackId": stack.stack_id, "LogicalResourceId": logical_id, "ResourceType": rtype, "Timestamp": now}
    if physical:
        base["PhysicalResourceId"] = physical
    checks = _DRIFT_PROPERTIES.get(rtype)
    properties = resource_json.get("Properties") or {}
    literal = {path: properties[path] for path, _ in checks or [] if path in properties and not isinstance(properties[path], (dict, list))}
    if not checks or live is None or not literal:
        return {**base, "StackResourceDriftStatus": "NOT_CHECKED"}
    expected: dict[str, Any] = {}
    actual: dict[str, Any] = {}
    differences = []
    for path, read in checks:
        if path not in literal:
            continue
        want = literal[path]
        if isinstance(want, str) and isinstance(read(live), (bool, int)):
            want = (want.lower() == "true") if isinstance(read(live), bool) else int(want)
        got = read(live)
        expected[path], actual[path] = want, got
        if got != want:
            differences.append({"PropertyPath": f"/{path}", "ExpectedValue": json.dumps(want), "ActualValue": json.dumps(got), "DifferenceType": "NOT_EQUAL"})
    return {
        **base,
        "ExpectedProperties": json.dumps(expected),
        "ActualProperties": json.dumps(actual),
        "PropertyDifferences": differences,
        "StackResourceDriftStatus": "MODIFIED" if differences else "IN_SYNC",
    }


def detect_stack_drift(self):  # type: ignore[no-untyped-def]
    from moto.core.utils import utcnow

    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    if stack.status.endswith("_IN_PROGRESS"):
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html
        raise ValidationError(message=f"Drift detection cannot be performed on stack {stack.name} while it is in status {stack.status}")
    now = utcnow()
    wanted = set(self._get_param("LogicalResourceIds", []) or []) or None
    resources = stack.template_dict.get("Resources", {})
    drifts = [_resource_drift(stack, lid, r, now) for lid, r in resources.items() if (wanted is None or lid in wanted) and lid in stack.resource_map._parsed_resources]
    checked = [d for d in drifts if d["StackResourceDriftStatus"] != "NOT_CHECKED"]
    drifted = [d for d in checked if d["StackResourceDriftStatus"] != "IN_SYNC"]
    status = "DRIFTED" if drifted else ("IN_SYNC" if checked else "NOT_CHECKED")
    detection_id = str(uuid.uuid4())
    _DETECTIONS[detection_id] = {"stack_id": stack.stack_id, "status": status, "drifted": len(drifted), "timestamp": now}
    stack.resource_drifts = drifts
    stack.drift_information = {"StackDriftStatus": status, "LastCheckTimestamp": now}
    return ActionResult({"StackDriftDetectionId": detection_id})


def describe_stack_drift_detection_status(self):  # type: ignore[no-untyped-def]
    detection = _DETECTIONS.get(self._get_param("StackDriftDetectionId"))
    if detection is None:
        raise ValidationError(message="Drift detection id not found")
    return ActionResult({
        "StackId": detection["stack_id"],
        "StackDriftDetectionId": self._get_param("StackDriftDetectionId"),
        "StackDriftStatus": detection["status"],
        "DetectionStatus": "DETECTION_COMPLETE",
        "DriftedStackResourceCount": detection["drifted"],
        "Timestamp": detection["timestamp"],
    })


def describe_stack_resource_drifts(self):  # type: ignore[no-untyped-def]
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    filters = set(self._get_param("StackResourceDriftStatusFilters", []) or [])
    drifts = [d for d in getattr(stack, "resource_drifts", []) if not filters or d["StackResourceDriftStatus"] in filters]
    # Pages of MaxResults (default 100, as AWS), the token being the index of the next drift.
    size = int(self._get_param("MaxResults") or 100)
    start = int(self._get_param("NextToken") or 0)
    page = drifts[start : start + size]
    result: dict[str, Any] = {"StackResourceDrifts": page}
    if start + size < len(drifts):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


cfn_responses.CloudFormationResponse.detect_stack_drift = detect_stack_drift
cfn_responses.CloudFormationResponse.describe_stack_drift_detection_status = describe_stack_drift_detection_status
cfn_responses.CloudFormationResponse.describe_stack_resource_drifts = describe_stack_resource_drifts


# POST /moto-api/reset also forgets the names of placeholder resources.
from moto.moto_api._internal import models as _moto_api_models  # noqa: E402

_original_reset = _moto_api_models.MotoAPIBackend.reset


def _reset(self):  # type: ignore[no-untyped-def]
    with _NAMES_LOCK:
        _NAMES.clear()
    return _original_reset(self)


_moto_api_models.MotoAPIBackend.reset = _reset


# --------------------------------------------------------------------------------------------------
