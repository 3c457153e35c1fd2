plugins {
    kotlin("jvm") version "2.0.21"
    application
}

dependencies {
    implementation(platform("org.springframework.ai:spring-ai-bom:1.0.0"))
    implementation("org.springframework.ai:spring-ai-starter-model-openai")
    implementation("com.google.genai:google-genai:1.0.0")
    // implementation("com.anthropic:anthropic-java:2.1.0")  (tried, not kept)
    testImplementation(kotlin("test"))
}
