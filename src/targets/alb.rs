//! `alb`: the AWS Load Balancer Controller: IP targets (the server Service is ClusterIP), the
//! health check, an idle timeout for Airbyte, HTTPS with a redirect when there is a certificate.
//! Its annotations are the controller's, from `controllers`; the Ingress is the shared one.
