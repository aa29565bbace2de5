import Hummingbird
import WardenCore

/// Every route of `warden serve`, with its middleware in order: count the
/// answer, add the security headers, turn unknown routes into JSON errors,
/// authenticate. The web UI's pages sit beside the API (`WebRoutes`). The same router serves the live daemon and in-process
/// tests (HummingbirdTesting's router mode).
public enum ServeRouter {
    public static func make(_ services: ServeServices) -> Router<WardenRequestContext> {
        let router = Router(context: WardenRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: services.metrics))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: NotFoundMiddleware())
        router.add(middleware: AuthenticationMiddleware(state: services.state, attempts: services.attempts, clock: services.clock))
        StatusRoutes.registerOpen(on: router, services: services)
        WebRoutes.register(on: router, services: services)
        let api = router.group("api/v1")
        StatusRoutes.register(on: api, services: services)
        CatalogRoutes.register(on: api, services: services)
        PlanRoutes.register(on: api, services: services)
        RunRoutes.register(on: api, services: services)
        QueueRoutes.register(on: api, services: services)
        ApprovalRoutes.register(on: api, services: services)
        LockRoutes.register(on: api, services: services)
        AuditRoutes.register(on: api, services: services)
        AlertRoutes.register(on: api, services: services)
        ScheduleRoutes.register(on: api, services: services)
        return router
    }
}
