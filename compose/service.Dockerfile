# One image per service, built from the Maven output (run ./mvnw -DskipTests package first):
#   docker build -f compose/service.Dockerfile --build-arg SERVICE=task-service -t ains/task-service .
# docker-compose.yml builds all four this way.
FROM eclipse-temurin:21-jre
ARG SERVICE
WORKDIR /opt/ains
# libs/ first: it changes far less often than the service's own jar, so the layer is reused
COPY ${SERVICE}/target/libs/ libs/
COPY ${SERVICE}/target/${SERVICE}.jar service.jar
RUN useradd --system --uid 10001 ains
USER 10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "service.jar"]
