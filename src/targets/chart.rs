//! `chart`: the Ingress the Airbyte chart's `templates/ingress.yaml` renders, field for field.

use super::ingress::{IngressCtx, PathCtx, RuleCtx, render_ingress, tls_ctx};
use crate::plan::{ChartLine, Plan};
use crate::render::{RenderError, Rendered};

pub fn render(plan: &Plan) -> Result<Rendered, RenderError> {
    if !plan.enabled {
        // `chart-ingress-off` says so
        return Ok(Rendered::default());
    }
    let ctx = IngressCtx {
        name: plan.name.clone(),
        release: plan.release.clone(),
        // chart 2.1+ sets metadata.namespace; 2.0.18-2.0.19 leave it to the client
        namespace: (plan.line == ChartLine::V2_1).then(|| plan.namespace.clone()),
        class: plan.class.clone(),
        // null annotations are dropped: the API server would store them as empty strings
        annotations: plan
            .annotations
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
            .collect(),
        tls: tls_ctx(&plan.tls),
        // the routes exactly as the values list them
        rules: plan
            .hosts
            .iter()
            .map(|h| RuleCtx {
                host: h.host.clone(),
                paths: h
                    .routes
                    .iter()
                    .map(|r| PathCtx::new(&r.path, r.path_type.map(|p| p.as_str()), &r.service))
                    .collect(),
            })
            .collect(),
    };
    Ok(Rendered {
        docs: render_ingress(&ctx)?,
        file: None,
    })
}
